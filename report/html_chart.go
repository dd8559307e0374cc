package report

import (
	"sort"

	"authwall/audit"
)

// Chart geometry in SVG user units.
const (
	chartLabelWidth = 176
	chartBarMax     = 260
	chartRow        = 26
	chartBar        = 16
	chartLabelCols  = 26
)

// kindChart draws the kind cards as bars, in their order, coloured by
// severity.
func kindChart(cards []htmlCard) htmlChart {
	bars := make([]chartItem, 0, len(cards))
	for _, c := range cards {
		bars = append(bars, chartItem{label: c.Kind, class: "sev-" + c.Sev, count: c.Count})
	}
	return newChart("Findings by kind", bars)
}

// htmlChart is a horizontal bar chart, laid out here so the page draws it
// as plain SVG without a script.
type htmlChart struct {
	Label  string
	Height int
	Bars   []htmlBar
}

type htmlBar struct {
	Label  string
	Full   string
	Class  string
	Count  int
	Y      int
	TextY  int
	Width  int
	CountX int
}

// sourceChart counts findings per attributed source, most first.
func sourceChart(findings []audit.Finding) htmlChart {
	counts := map[string]int{}
	for _, f := range findings {
		s := unattributed
		if f.Attribution != nil {
			s = visibleText(f.Attribution.Source)
		}
		counts[s]++
	}
	items := make([]chartItem, 0, len(counts))
	for s, n := range counts {
		class := "src"
		if s == unattributed {
			class = "src-none"
		}
		items = append(items, chartItem{label: s, class: class, count: n})
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].count != items[j].count {
			return items[i].count > items[j].count
		}
		return items[i].label < items[j].label
	})
	return newChart("Findings by source", items)
}

type chartItem struct {
	label, class string
	count        int
}

// newChart lays out horizontal bars scaled to the largest count.
func newChart(label string, items []chartItem) htmlChart {
	c := htmlChart{Label: label, Height: max(chartRow, len(items)*chartRow+4)}
	most := 0
	for _, it := range items {
		most = max(most, it.count)
	}
	for i, it := range items {
		w := 0
		if most > 0 {
			w = max(2, it.count*chartBarMax/most)
		}
		y := 4 + i*chartRow
		c.Bars = append(c.Bars, htmlBar{
			Label: cutToWidth(it.label, chartLabelCols), Full: it.label, Class: it.class, Count: it.count,
			Y: y, TextY: y + chartBar - 4, Width: w, CountX: chartLabelWidth + w + 6,
		})
	}
	return c
}
