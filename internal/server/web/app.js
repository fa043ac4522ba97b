// fastroad serve: the page. Everything it asks comes from this server.
(function () {
  'use strict';
  var T = {};            // UI words of the current language
  var meta = null;       // /api/meta
  var alts = [];         // /api/alternatives
  var state = { lang: 'en', dir: 'from', minutes: [], alt: 'base', point: null, label: '', layer: null, table: 'towns', sort: null, access: null, busy: 0 };
  var bandColours = ['#1a9850', '#66bd63', '#a6d96a', '#fee08b', '#fdae61', '#f46d43', '#d73027', '#a50026'];
  var roadStyle = {
    motorway: ['#c0392b', 3], motorway_link: ['#c0392b', 1.5], trunk: ['#e67e22', 2.5], trunk_link: ['#e67e22', 1.2],
    primary: ['#d4ac0d', 2], primary_link: ['#d4ac0d', 1], secondary: ['#888', 1.5], secondary_link: ['#888', 1],
    tertiary: ['#999', 1.2]
  };
  var choices = [15, 30, 45, 60, 90, 120];

  function $(id) { return document.getElementById(id); }
  function t(key, arg) { var s = T[key] || key; return arg === undefined ? s : s.replace('{0}', arg); }
  function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; }); }
  function num(x) { return x === null || x === undefined ? '–' : Math.round(x).toLocaleString(state.lang === 'zh' ? 'zh-CN' : 'en-US'); }
  function mins(x) { return x === null || x === undefined ? '–' : x.toFixed(1); }

  function busy(d) {
    state.busy += d;
    document.body.dataset.busy = state.busy > 0 ? 'yes' : 'no';
  }
  function getJSON(url) {
    busy(1);
    return fetch(url).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) { throw new Error((j.parameter ? j.parameter + ': ' : '') + j.error); }
        return j;
      });
    }).finally(function () { busy(-1); });
  }

  var map = L.map('map', { preferCanvas: true, zoomControl: true });
  map.attributionControl.setPrefix('Leaflet');
  var svg = L.svg({ padding: 0.5 });
  var roads = L.geoJSON(null, { interactive: false, style: function (f) {
    var s = roadStyle[f.properties.class] || ['#bbb', 0.8];
    return { color: s[0], weight: s[1], opacity: 0.9 };
  } }).addTo(map);
  var controls = L.geoJSON(null, { interactive: false, style: function (f) {
    var c = { red: '#e00', purple: '#8e44ad', blue: '#2471a3', green: '#239b56' }[f.properties.kind] || '#555';
    return { color: c, weight: 1, fillOpacity: 0.12, dashArray: '4 3' };
  } }).addTo(map);
  var iso = L.geoJSON(null, { interactive: false, style: isoStyle }).addTo(map);
  var edits = L.geoJSON(null, { interactive: false, style: { color: '#6c3483', weight: 5, opacity: 0.8 } }).addTo(map);
  var placesLayer = L.layerGroup().addTo(map);
  var pin = null;
  L.control.layers(null, {}, { collapsed: true });

  function isoStyle(f) {
    var p = f.properties;
    switch (p.layer) {
      case 'gain': return { stroke: false, fillColor: ['#c7e9c0', '#74c476', '#238b45'][meta.diff_steps.indexOf(p.saved_min)] || '#238b45', fillOpacity: 0.55 };
      case 'loss': return { stroke: false, fillColor: ['#fcbba1', '#fb6a4a', '#cb181d'][meta.diff_steps.indexOf(p.lost_min)] || '#cb181d', fillOpacity: 0.55 };
      case 'newly': return { stroke: false, fillColor: '#2166ac', fillOpacity: 0.55 };
      case 'lost': return { stroke: false, fillColor: '#555', fillOpacity: 0.5 };
      case 'base': return { color: '#333', weight: 1, dashArray: '3 3', fill: false };
      case 'alternative': return { color: bandColour(p.minutes), weight: 2, fill: false };
    }
    return { color: bandColour(p.minutes), weight: 1, fillColor: bandColour(p.minutes), fillOpacity: 0.25 };
  }
  function bandColour(m) {
    var i = state.minutes.indexOf(m);
    if (i < 0) { i = bandColours.length - 1; }
    return bandColours[Math.min(i, bandColours.length - 1)];
  }

  // The basemap: the graph's roads in view, per zoom.
  var roadsReq = 0;
  function loadRoads() {
    var b = map.getBounds(), id = ++roadsReq;
    var url = '/api/roads?zoom=' + map.getZoom() + '&bbox=' + [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(5); }).join(',');
    getJSON(url).then(function (fc) {
      if (id !== roadsReq) { return; }
      roads.clearLayers();
      roads.addData(fc);
    }).catch(showError);
  }

  function loadPlaces() {
    return getJSON('/api/places?alternative=' + encodeURIComponent(state.alt) + '&lang=' + state.lang).then(function (fc) {
      placesLayer.clearLayers();
      fc.features.forEach(function (f) {
        var p = f.properties, c = f.geometry.coordinates;
        var style = {
          town: { radius: 6, color: '#222', fillColor: '#fff', className: 'place town' },
          hsr_station: { radius: 7, color: '#fff', fillColor: '#1f4e9c', className: 'place hsr' },
          rail_station: { radius: 5, color: '#fff', fillColor: '#5d6d7e', className: 'place rail' },
          expressway_entrance: { radius: 4, color: '#fff', fillColor: '#c0392b', className: 'place entrance' }
        }[p.kind] || { radius: 4, className: 'place' };
        style.renderer = svg;
        style.weight = 2;
        style.fillOpacity = 1;
        var m = L.circleMarker([c[1], c[0]], style);
        m.on('add', function () { if (m._path) { m._path.setAttribute('data-name', p.name); m._path.setAttribute('data-kind', p.kind); } });
        var label = p.name + (p.population ? ' (' + num(p.population) + ')' : '');
        if (p.kind === 'town') {
          m.bindTooltip(esc(p.name), { permanent: true, direction: 'right', className: 'town-label', offset: [6, 0] });
        } else {
          m.bindTooltip(esc(label + ' · ' + t(p.kind === 'expressway_entrance' ? 'entrance' : p.kind)));
        }
        m.on('click', function (e) {
          L.DomEvent.stopPropagation(e);
          query(L.latLng(c[1], c[0]), p.name);
        });
        placesLayer.addLayer(m);
      });
    });
  }

  function loadEdits() {
    edits.clearLayers();
    if (state.alt === 'base') { return Promise.resolve(); }
    return getJSON('/api/edits?alternative=' + encodeURIComponent(state.alt)).then(function (fc) { edits.addData(fc); });
  }

  function query(latlng, label) {
    state.point = latlng;
    state.label = label || (latlng.lng.toFixed(5) + ', ' + latlng.lat.toFixed(5));
    if (pin) { map.removeLayer(pin); }
    pin = L.circleMarker(latlng, { radius: 5, color: '#000', weight: 2, fillColor: '#ff0', fillOpacity: 1, interactive: false }).addTo(map);
    run();
  }

  var runReq = 0;
  function run() {
    if (!state.point || state.minutes.length === 0) { return; }
    var id = ++runReq;
    var q = 'lon=' + state.point.lng.toFixed(6) + '&lat=' + state.point.lat.toFixed(6) + '&minutes=' + state.minutes.join(',') +
      '&direction=' + state.dir + '&lang=' + state.lang;
    var diff = state.alt !== 'base';
    var url = diff ? '/api/diff?' + q + '&alternative=' + encodeURIComponent(state.alt) : '/api/isochrone?' + q;
    $('result').innerHTML = '<p>' + esc(t('loading')) + '</p>';
    document.body.dataset.layer = 'loading';
    getJSON(url).then(function (fc) {
      if (id !== runReq) { return; }
      state.layer = fc;
      iso.clearLayers();
      // draw fills under outlines: bands largest first
      var feats = fc.features.slice().sort(function (a, b) {
        var order = { base: 1, alternative: 2 };
        return (order[a.properties.layer] || 0) - (order[b.properties.layer] || 0) || b.properties.minutes - a.properties.minutes;
      });
      feats.forEach(function (f) { if (f.geometry.coordinates && f.geometry.coordinates.length) { iso.addData(f); } });
      showResult(fc, diff);
      $('dl-layer').disabled = false;
      document.body.dataset.layer = diff ? 'diff' : 'isochrone';
    }).catch(function (e) {
      if (id === runReq) { document.body.dataset.layer = 'error'; showError(e); }
    });
  }

  function showResult(fc, diff) {
    var head = '<p><b>' + esc(t('isochrone')) + '</b> ' + esc(t(state.dir)) + ': ' + esc(state.label) + '</p>';
    var rows = '';
    var byLayer = function (layer) { return fc.features.filter(function (f) { return (f.properties.layer || 'iso') === layer; }); };
    if (!diff) {
      byLayer('iso').forEach(function (f) {
        var p = f.properties;
        rows += '<tr><td><span class="swatch" style="background:' + bandColour(p.minutes) + '"></span>' + p.minutes + ' ' + esc(t('minutes')) +
          '</td><td>' + p.area_km2.toFixed(0) + ' km²</td><td>' + (p.residents !== undefined ? esc(p.residents_text) : '') + '</td></tr>';
      });
      $('result').innerHTML = head + '<table id="bands-table">' + rows + '</table>' + cellNote(fc);
      return;
    }
    var base = byLayer('base'), alt = byLayer('alternative');
    rows = '<tr><th></th><th>' + esc(t('base')) + '</th><th>' + esc(state.alt) + '</th></tr>';
    alt.forEach(function (f, i) {
      var p = f.properties, b = base[i] ? base[i].properties : {};
      rows += '<tr><td><span class="swatch" style="background:' + bandColour(p.minutes) + '"></span>' + p.minutes + ' ' + esc(t('minutes')) +
        '</td><td>' + (b.residents !== undefined ? num(b.residents) : b.area_km2.toFixed(0) + ' km²') +
        '</td><td>' + (p.residents !== undefined ? num(p.residents) : p.area_km2.toFixed(0) + ' km²') + '</td></tr>';
    });
    var legend = '';
    meta.diff_steps.forEach(function (s, i) {
      legend += '<span class="swatch" style="background:' + ['#c7e9c0', '#74c476', '#238b45'][i] + '"></span>' + esc(t('saves', s)) + ' ';
    });
    legend += '<br><span class="swatch" style="background:#2166ac"></span>' + esc(t('newly')) +
      ' <span class="swatch" style="background:#fb6a4a"></span>' + esc(t('costs', 1)) +
      ' <span class="swatch" style="background:#555"></span>' + esc(t('lost'));
    var p0 = fc.features.length ? fc.features[0].properties : {};
    var people = p0.gainers !== undefined ? '<p id="gainers"><b>' + num(p0.gainers) + '</b> ' + esc(t('gainers')) + '; <b>' + num(p0.losers) + '</b> ' + esc(t('losers')) + '</p>' : '';
    $('result').innerHTML = head + '<p><b>' + esc(t('difference')) + '</b></p>' + people + '<p>' + legend + '</p><table id="bands-table">' + rows + '</table>' + cellNote(fc);
  }

  // The grid cell the answer was computed on (coarser for larger areas).
  function cellNote(fc) {
    var f = fc.features.filter(function (f) { return f.properties.cell_m; })[0];
    return f ? '<p class="note" id="cell-note">' + esc(t('cells', f.properties.cell_m)) + '</p>' : '';
  }

  function showError(e) {
    $('result').innerHTML = '<p class="err">' + esc(t('error')) + ': ' + esc(e.message || e) + '</p>';
  }

  // Access tables, sortable.
  function loadAccess() {
    getJSON('/api/access?alternative=' + encodeURIComponent(state.alt) + '&lang=' + state.lang).then(function (a) {
      state.access = a;
      drawTable();
    }).catch(showError);
  }
  function columns() {
    if (state.table === 'towns') {
      return [['name', t('town')], ['population', t('population')], ['hsr_min', t('to_hsr')], ['entrance_min', t('to_entrance')],
        ['trunk_min', t('to_trunk')], ['centre_min', t('to_centre')]];
    }
    var cols = [['area', t('area')], ['residents', t('residents')], ['hsr_mean_min', t('hsr_mean')], ['entrance_mean_min', t('entrance_mean')]];
    (state.access.minutes || []).forEach(function (m) { cols.push(['entrance_within_' + m, t('entrance_within', m)]); });
    return cols;
  }
  function drawTable() {
    var a = state.access;
    if (!a) { return; }
    var rows = (state.table === 'towns' ? a.towns : a.areas).slice();
    var cols = columns();
    if (state.sort) {
      var k = state.sort.key, dir = state.sort.desc ? -1 : 1;
      rows.sort(function (x, y) {
        var u = x[k], v = y[k];
        if (u === null || u === undefined) { return 1; }
        if (v === null || v === undefined) { return -1; }
        return (typeof u === 'string' ? u.localeCompare(v) : u - v) * dir;
      });
    }
    var h = '<table><thead><tr>';
    cols.forEach(function (c) {
      var cls = state.sort && state.sort.key === c[0] ? (state.sort.desc ? 'sorted-desc' : 'sorted-asc') : '';
      h += '<th data-key="' + c[0] + '" class="' + cls + '">' + esc(c[1]) + '</th>';
    });
    h += '</tr></thead><tbody>';
    rows.forEach(function (r) {
      h += '<tr>';
      cols.forEach(function (c) {
        var v = r[c[0]];
        if (c[0] === 'area' && typeof v === 'string') { v = v.replace(/^county:/, ''); }
        h += '<td>' + (typeof v === 'string' ? esc(v) : /_min$/.test(c[0]) ? mins(v) : num(v)) + '</td>';
      });
      h += '</tr>';
    });
    $('table').innerHTML = h + '</tbody></table>';
    Array.prototype.forEach.call($('table').querySelectorAll('th'), function (th) {
      th.addEventListener('click', function () {
        var key = th.dataset.key;
        state.sort = { key: key, desc: state.sort && state.sort.key === key ? !state.sort.desc : false };
        drawTable();
      });
    });
  }

  function setLang(l) {
    state.lang = l;
    document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
    return getJSON('/api/ui?lang=' + l).then(function (ui) {
      T = ui;
      Array.prototype.forEach.call(document.querySelectorAll('[data-t]'), function (el) { el.textContent = t(el.dataset.t); });
      document.title = t('title');
      $('title').textContent = t('title');
      $('alt').options[0] && ($('alt').options[0].textContent = t('base'));
    });
  }

  function showAlt() {
    var a = alts.filter(function (x) { return x.name === state.alt; })[0];
    $('altinfo').innerHTML = a ? '<p>' + esc(a.description || '') + '</p><ul>' + a.edits.map(function (e) { return '<li>' + esc(e) + '</li>'; }).join('') + '</ul>' : '';
  }

  function init() {
    var params = new URLSearchParams(location.search);
    var l = params.get('lang') || ((navigator.language || '').indexOf('zh') === 0 ? 'zh' : 'en');
    $('lang').value = l;
    Promise.all([getJSON('/api/meta'), getJSON('/api/alternatives'), setLang(l)]).then(function (r) {
      meta = r[0]; alts = r[1];
      $('study').textContent = meta.name || meta.source;
      $('credit').textContent = 'Map data ' + meta.attribution + ' · Leaflet (BSD-2-Clause)';
      map.attributionControl.addAttribution(meta.attribution);
      state.minutes = meta.minutes.slice();
      var bands = '';
      var all = choices.filter(function (m) { return m <= meta.max_minutes; });
      meta.minutes.forEach(function (m) { if (all.indexOf(m) < 0) { all.push(m); } });
      all.sort(function (a, b) { return a - b; });
      all.forEach(function (m) {
        bands += '<label><input type="checkbox" value="' + m + '"' + (state.minutes.indexOf(m) >= 0 ? ' checked' : '') + '>' + m + '</label>';
      });
      $('bands').innerHTML = bands;
      Array.prototype.forEach.call($('bands').querySelectorAll('input'), function (el) {
        el.addEventListener('change', function () {
          state.minutes = Array.prototype.filter.call($('bands').querySelectorAll('input'), function (x) { return x.checked; })
            .map(function (x) { return +x.value; });
          run();
        });
      });
      var sel = $('alt');
      meta.networks.forEach(function (n) {
        var o = document.createElement('option');
        o.value = n; o.textContent = n === 'base' ? t('base') : n;
        sel.appendChild(o);
      });
      var b = meta.bounds;
      map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
      map.on('moveend', loadRoads);
      map.on('click', function (e) { query(e.latlng); });
      loadRoads();
      getJSON('/api/controls').then(function (fc) { controls.addData(fc); });
      return loadPlaces();
    }).then(function () {
      loadAccess();
      document.body.dataset.ready = 'yes';
    }).catch(showError);

    $('lang').addEventListener('change', function () {
      setLang($('lang').value).then(function () { loadPlaces(); loadAccess(); run(); });
    });
    Array.prototype.forEach.call(document.querySelectorAll('input[name=dir]'), function (el) {
      el.addEventListener('change', function () { state.dir = el.value; run(); });
    });
    $('alt').addEventListener('change', function () {
      state.alt = $('alt').value;
      showAlt();
      loadEdits();
      loadPlaces();
      loadAccess();
      run();
    });
    $('tab-towns').addEventListener('click', function () { state.table = 'towns'; state.sort = null; $('tab-towns').classList.add('active'); $('tab-areas').classList.remove('active'); drawTable(); });
    $('tab-areas').addEventListener('click', function () { state.table = 'areas'; state.sort = null; $('tab-areas').classList.add('active'); $('tab-towns').classList.remove('active'); drawTable(); });
    $('dl-table').addEventListener('click', function () {
      var a = document.createElement('a');
      a.href = '/api/access?format=csv&table=' + state.table + '&alternative=' + encodeURIComponent(state.alt) + '&lang=' + state.lang;
      a.download = state.alt + '-' + state.table + '.csv';
      document.body.appendChild(a); a.click(); a.remove();
    });
    $('dl-layer').addEventListener('click', function () {
      if (!state.layer) { return; }
      var blob = new Blob([JSON.stringify(state.layer)], { type: 'application/geo+json' });
      var a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = (state.alt === 'base' ? 'isochrone' : 'diff-' + state.alt) + '.geojson';
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
    });
  }

  window.fastroad = { state: state, query: query, map: map };
  init();
})();
