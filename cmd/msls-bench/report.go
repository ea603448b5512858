package main

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"text/tabwriter"
)

// report is the JSON document msls-bench writes.
type report struct {
	File        string            `json:"file"`
	Lines       int               `json:"lines"`
	Bytes       int               `json:"bytes"`
	Rounds      int               `json:"rounds"`
	Warmup      int               `json:"warmup"`
	Edits       int               `json:"edits"`
	Burst       int               `json:"burst"`
	Completions int               `json:"completions"`
	Completion  position          `json:"completion_position"`
	EditLine    int               `json:"edit_line"`
	Docs        int               `json:"docs"`
	Servers     []serverReport    `json:"servers"`
	Ratios      []ratioReport     `json:"ratios"`
	Metrics     []string          `json:"metrics"`
	Units       map[string]string `json:"units"`
}

type serverReport struct {
	serverSpec
	Metrics         map[string]stats `json:"metrics"`
	CompletionItems int              `json:"completion_items"`
	Incremental     bool             `json:"incremental_sync"`
	Versioned       bool             `json:"versioned_diagnostics"`
	BurstPublishes  float64          `json:"burst_publishes_median"`
	Errors          []string         `json:"errors,omitempty"`
}

// stats summarises the samples of one metric; Samples keeps them all so the
// JSON can be re-analysed.
type stats struct {
	N       int       `json:"n"`
	Median  float64   `json:"median"`
	Mean    float64   `json:"mean"`
	P90     float64   `json:"p90"`
	Min     float64   `json:"min"`
	Max     float64   `json:"max"`
	Samples []float64 `json:"samples"`
}

// ratioReport is reference/peer of the medians: below 1 the reference is
// faster (or leaner).
type ratioReport struct {
	Reference string             `json:"reference"`
	Peer      string             `json:"peer"`
	Ratios    map[string]float64 `json:"ratios"`
}

func summarize(p *plan, servers []serverSpec, samples [][]sample, rounds, warmup int) *report {
	rep := &report{
		File: p.Path, Lines: strings.Count(p.Text, "\n"), Bytes: len(p.Text),
		Rounds: rounds, Warmup: warmup, Edits: p.Edits, Burst: p.Burst, Completions: p.Completes,
		Completion: p.Completion, EditLine: p.EditLine, Docs: p.Docs,
		Metrics: metricOrder,
		Units:   map[string]string{},
	}
	if !strings.HasSuffix(p.Text, "\n") && p.Text != "" {
		rep.Lines++
	}
	for _, m := range metricOrder {
		if strings.HasSuffix(m, "_mb") {
			rep.Units[m] = "MiB"
		} else {
			rep.Units[m] = "ms"
		}
	}
	for i, srv := range servers {
		sr := serverReport{serverSpec: srv, Metrics: map[string]stats{}}
		values := map[string][]float64{}
		var bursts []float64
		for _, s := range samples[i] {
			if s.Err != nil {
				sr.Errors = append(sr.Errors, s.Err.Error())
			}
			for m, v := range s.Values {
				values[m] = append(values[m], v...)
			}
			if s.CompletionItems > 0 {
				sr.CompletionItems = s.CompletionItems
			}
			sr.Incremental = sr.Incremental || s.Incremental
			sr.Versioned = sr.Versioned || s.Versioned
			if s.BurstPublishes > 0 {
				bursts = append(bursts, float64(s.BurstPublishes))
			}
		}
		for m, v := range values {
			sr.Metrics[m] = summarizeValues(v)
		}
		if len(bursts) > 0 {
			sr.BurstPublishes = summarizeValues(bursts).Median
		}
		rep.Servers = append(rep.Servers, sr)
	}
	if len(rep.Servers) > 1 {
		ref := rep.Servers[0]
		for _, peer := range rep.Servers[1:] {
			rr := ratioReport{Reference: ref.Name, Peer: peer.Name, Ratios: map[string]float64{}}
			for _, m := range metricOrder {
				a, okA := ref.Metrics[m]
				b, okB := peer.Metrics[m]
				if okA && okB && b.Median > 0 {
					rr.Ratios[m] = a.Median / b.Median
				}
			}
			rep.Ratios = append(rep.Ratios, rr)
		}
	}
	return rep
}

func summarizeValues(v []float64) stats {
	s := stats{N: len(v), Samples: v}
	if len(v) == 0 {
		return s
	}
	sorted := append([]float64(nil), v...)
	sort.Float64s(sorted)
	s.Min, s.Max = sorted[0], sorted[len(sorted)-1]
	s.Median = quantile(sorted, 0.5)
	s.P90 = quantile(sorted, 0.9)
	sum := 0.0
	for _, x := range sorted {
		sum += x
	}
	s.Mean = sum / float64(len(sorted))
	return s
}

// quantile interpolates linearly between the closest ranks of sorted data.
func quantile(sorted []float64, q float64) float64 {
	if len(sorted) == 1 {
		return sorted[0]
	}
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return sorted[lo] + (sorted[hi]-sorted[lo])*(pos-float64(lo))
}

var columnTitle = map[string]string{
	mInitialize:  "initialize",
	mDidOpen:     "didOpen→diags",
	mChangeFull:  "didChange full",
	mChangeIncr:  "didChange incr",
	mBurst:       "burst→last diags",
	mCompletion:  "completion",
	mEditCPU:     "CPU/edit",
	mPeakRSS:     "peak RSS",
	mPeakRSSDocs: "peak RSS (docs)",
}

func (r *report) print(w io.Writer) {
	fmt.Fprintf(w, "%s: %d lines, %d bytes; %d rounds (+%d warm-up) per server, interleaved; %d edits per sync mode, burst %d, %d completions at %d:%d",
		r.File, r.Lines, r.Bytes, r.Rounds, r.Warmup, r.Edits, r.Burst, r.Completions, r.Completion.Line, r.Completion.Character)
	if r.Docs > 1 {
		fmt.Fprintf(w, ", %d documents open for peak RSS (docs)", r.Docs)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "medians:")
	var cols []string
	for _, m := range metricOrder {
		for _, s := range r.Servers {
			if _, ok := s.Metrics[m]; ok {
				cols = append(cols, m)
				break
			}
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "server\t")
	for _, m := range cols {
		fmt.Fprintf(tw, "%s\t", columnTitle[m])
	}
	fmt.Fprintln(tw, "items\t")
	for _, s := range r.Servers {
		fmt.Fprintf(tw, "%s\t", s.Name)
		for _, m := range cols {
			st, ok := s.Metrics[m]
			switch {
			case !ok:
				fmt.Fprint(tw, "n/a\t")
			case r.Units[m] == "MiB":
				fmt.Fprintf(tw, "%.1f MiB\t", st.Median)
			default:
				fmt.Fprintf(tw, "%s ms\t", fmtMS(st.Median))
			}
		}
		fmt.Fprintf(tw, "%d\t\n", s.CompletionItems)
	}
	for _, rr := range r.Ratios {
		fmt.Fprintf(tw, "%s/%s\t", rr.Reference, rr.Peer)
		for _, m := range cols {
			if v, ok := rr.Ratios[m]; ok {
				fmt.Fprintf(tw, "%.3gx\t", v)
			} else {
				fmt.Fprint(tw, "-\t")
			}
		}
		fmt.Fprintln(tw, "\t")
	}
	tw.Flush()
	for _, s := range r.Servers {
		notes := []string{}
		if !s.Incremental {
			notes = append(notes, "full sync only (no incremental column)")
		}
		if !s.Versioned {
			notes = append(notes, "publishes carry no version (burst not measurable)")
		} else if s.BurstPublishes > 0 {
			notes = append(notes, fmt.Sprintf("%.0f publishes for a burst of %d edits", s.BurstPublishes, r.Burst))
		}
		if len(s.Errors) > 0 {
			notes = append(notes, fmt.Sprintf("%d failed rounds, first: %s", len(s.Errors), s.Errors[0]))
		}
		if len(notes) > 0 {
			fmt.Fprintf(w, "%s: %s\n", s.Name, strings.Join(notes, "; "))
		}
	}
}

func fmtMS(v float64) string {
	switch {
	case v < 1:
		return fmt.Sprintf("%.3f", v)
	case v < 10:
		return fmt.Sprintf("%.2f", v)
	case v < 100:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.0f", v)
}
