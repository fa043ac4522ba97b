package server

import (
	"container/list"
	"sync"
)

// cache keeps the latest answers of the computed endpoints (isochrone,
// diff, population) by their canonical query, least recently used first
// out, up to a total of bytes: in a meeting the same towns are clicked
// again and again, and switching between alternatives asks the same
// questions. Networks never change while the server runs, so an answer
// never goes stale.
type cache struct {
	mu    sync.Mutex
	max   int64
	size  int64
	order *list.List // of *cacheEntry, most recent first
	items map[string]*list.Element
	hits  int64
}

type cacheEntry struct {
	key  string
	body []byte
	ct   string
}

func newCache(maxBytes int64) *cache {
	return &cache{max: maxBytes, order: list.New(), items: map[string]*list.Element{}}
}

func (c *cache) get(key string) ([]byte, string, bool) {
	if c == nil || c.max <= 0 {
		return nil, "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, "", false
	}
	c.order.MoveToFront(el)
	c.hits++
	e := el.Value.(*cacheEntry)
	return e.body, e.ct, true
}

func (c *cache) put(key string, body []byte, ct string) {
	if c == nil || c.max <= 0 || int64(len(body)) > c.max/4 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[key]; ok {
		return
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key: key, body: body, ct: ct})
	c.size += int64(len(body))
	for c.size > c.max {
		el := c.order.Back()
		e := el.Value.(*cacheEntry)
		c.order.Remove(el)
		delete(c.items, e.key)
		c.size -= int64(len(e.body))
	}
}
