package appraisal_test

import (
	"fmt"

	"github.com/fastroad/fastroad/appraisal"
)

// A road built for 100 CNY in the base year that saves 120 CNY in its one
// year of operation, at the 8% social discount rate.
func ExampleEvaluate() {
	cfg := appraisal.DefaultConfig()
	cfg.BaseYear, cfg.OpeningYear, cfg.OperationYears = 2025, 2026, 1
	cfg.Growth = appraisal.Growth{}
	in := appraisal.CashFlowInput{Cfg: &cfg, Construction: 100, Shares: []float64{1}, Years: []int{2025},
		DesignLife: 1, DailyTime: 120.0 / 365}
	ys := appraisal.CashFlow(in, appraisal.Scenarios()[0])
	ind := appraisal.Evaluate(ys, cfg.BaseYear, cfg.OpeningYear, 100)
	fmt.Printf("ENPV %.2f EBCR %.4f EIRR %.4f payback %d\n", ind.ENPV, ind.EBCR, ind.EIRR, ind.PaybackYear)
	// Output: ENPV 11.11 EBCR 1.1111 EIRR 0.2000 payback 2026
}
