package main

import (
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// series is one line of the chart.
type series struct {
	label string
	color string
	dash  string       // SVG stroke-dasharray; "" for a solid line
	pts   [][2]float64 // N, seconds
}

// writeChart draws plan and apply median time against N (log x) for ours at
// C=max, the floor and terraform_data, on every CLI, as a self-contained SVG.
func (b *bench) writeChart() error {
	cmax := slices.Max(b.opt.cs)
	colors := []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd"}
	panels := []struct {
		title string
		m     metric
	}{{"plan", planWall}, {"apply -auto-approve", applyWall}}
	const (
		pw, ph    = 420.0, 300.0 // plot area of one panel
		left      = 60.0
		top       = 50.0
		gap       = 90.0
		bottom    = 60.0
		legendRow = 20.0
		fontSize  = 12
	)
	width := left + 2*pw + gap + 30
	height := top + ph + bottom + legendRow*float64(len(b.clis)) + 10
	var svg strings.Builder
	fmt.Fprintf(&svg, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="%d">`+"\n",
		width, height, width, height, fontSize)
	fmt.Fprintf(&svg, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&svg, `<text x="%.0f" y="22" font-size="15" font-weight="bold">terraform-provider-cce: median wall time against N (C=%d, -parallelism=%d, 0 ms latency)</text>`+"\n",
		left, cmax, b.opt.parallelism)

	ns := slices.Clone(b.opt.ns)
	slices.Sort(ns)
	xmin, xmax := math.Log10(float64(ns[0])), math.Log10(float64(ns[len(ns)-1]))
	if xmax == xmin {
		xmin, xmax = xmin-0.5, xmax+0.5
	}
	var legend []series
	for pi, panel := range panels {
		var ss []series
		for ci, cli := range b.clis {
			col := colors[ci%len(colors)]
			for _, k := range []struct{ kind, label, dash string }{
				{kindOurs, "cce_credential_revocation", ""},
				{kindFloor, "floor", "2 3"},
				{kindBaseline, "terraform_data", "6 4"},
			} {
				line := series{label: cli.Name + ": " + k.label, color: col, dash: k.dash}
				for _, n := range ns {
					if got := b.filter(cli.Name, k.kind, n, cmax, 0); len(got) > 0 {
						line.pts = append(line.pts, [2]float64{float64(n), median(values(got, panel.m)).Seconds()})
					}
				}
				ss = append(ss, line)
			}
		}
		if pi == 0 {
			legend = ss
		}
		ymax := 0.0
		for _, s := range ss {
			for _, pt := range s.pts {
				ymax = math.Max(ymax, pt[1])
			}
		}
		step := niceStep(ymax / 5)
		ytop := math.Max(step, math.Ceil(ymax/step)*step)
		x0 := left + float64(pi)*(pw+gap)
		xOf := func(n float64) float64 { return x0 + (math.Log10(n)-xmin)/(xmax-xmin)*pw }
		yOf := func(s float64) float64 { return top + ph - s/ytop*ph }

		fmt.Fprintf(&svg, `<text x="%.1f" y="%.1f" font-size="14" font-weight="bold" text-anchor="middle">%s</text>`+"\n", x0+pw/2, top-10, panel.title)
		for y := 0.0; y <= ytop+step/2; y += step {
			fmt.Fprintf(&svg, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", x0, yOf(y), x0+pw, yOf(y))
			fmt.Fprintf(&svg, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", x0-6, yOf(y)+4, trimFloat(y))
		}
		for _, n := range ns {
			fmt.Fprintf(&svg, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", xOf(float64(n)), top, xOf(float64(n)), top+ph)
			fmt.Fprintf(&svg, `<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`+"\n", xOf(float64(n)), top+ph+18, n)
		}
		fmt.Fprintf(&svg, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#333"/>`+"\n", x0, top, pw, ph)
		fmt.Fprintf(&svg, `<text x="%.1f" y="%.1f" text-anchor="middle">N resources (log scale)</text>`+"\n", x0+pw/2, top+ph+38)
		fmt.Fprintf(&svg, `<text transform="translate(%.1f %.1f) rotate(-90)" text-anchor="middle">seconds</text>`+"\n", x0-42, top+ph/2)
		for _, s := range ss {
			if len(s.pts) == 0 {
				continue
			}
			var pts []string
			for _, pt := range s.pts {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", xOf(pt[0]), yOf(pt[1])))
			}
			fmt.Fprintf(&svg, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), s.color, dashAttr(s.dash))
			for _, pt := range s.pts {
				fmt.Fprintf(&svg, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s N=%d: %.2f s</title></circle>`+"\n",
					xOf(pt[0]), yOf(pt[1]), s.color, html.EscapeString(s.label), int(pt[0]), pt[1])
			}
		}
	}
	ly := top + ph + bottom + 10
	colW := (2*pw + gap) / 3
	for i, s := range legend { // one row per CLI
		x := left + float64(i%3)*colW
		y := ly + float64(i/3)*legendRow
		fmt.Fprintf(&svg, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2"%s/>`+"\n", x, y, x+30, y, s.color, dashAttr(s.dash))
		fmt.Fprintf(&svg, `<text x="%.1f" y="%.1f">%s</text>`+"\n", x+38, y+4, html.EscapeString(s.label))
	}
	svg.WriteString("</svg>\n")
	path := b.inRoot(b.opt.chart)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil { //nolint:gosec // a directory of the repository
		return err
	}
	return os.WriteFile(path, []byte(svg.String()), 0o644) //nolint:gosec // a document in the repository
}

// dashAttr is the stroke-dasharray attribute of a dash pattern.
func dashAttr(dash string) string {
	if dash == "" {
		return ""
	}
	return ` stroke-dasharray="` + dash + `"`
}

// niceStep rounds a raw axis step up to 1, 2 or 5 times a power of ten.
func niceStep(raw float64) float64 {
	if raw <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if raw <= m*p {
			return m * p
		}
	}
	return 10 * p
}

// trimFloat formats an axis label without trailing zeros.
func trimFloat(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
