package main

import (
	"encoding/json"
	"io"
	"path/filepath"

	"github.com/msls-dev/msls/diagnostics"
)

func init() { registerCheckFormat("sarif", writeSARIF) }

// SARIF 2.1.0, the subset code-scanning tools read: one run, the full rule
// table (with help URIs), one result per finding with a region in UTF-16
// columns (SARIF's default column kind).
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration map[string]any `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
	Related   []sarifLocation `json:"relatedLocations,omitempty"`
	// Properties carry msls's extras: the finding's aliases (hadolint's
	// ids) and whether `msls fix` fixes it.
	Properties map[string]any `json:"properties,omitempty"`
}

type sarifLocation struct {
	ID       *int          `json:"id,omitempty"`
	Physical sarifPhysical `json:"physicalLocation"`
	Message  *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	Artifact struct {
		URI string `json:"uri"`
	} `json:"artifactLocation"`
	Region sarifRegion `json:"region"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

func sarifLevel(s diagnostics.Severity) string {
	switch s {
	case diagnostics.SeverityError:
		return "error"
	case diagnostics.SeverityWarning:
		return "warning"
	}
	return "note"
}

func writeSARIF(w io.Writer, reports []fileReport) error {
	driver := sarifDriver{Name: "msls", Version: versionString(), InformationURI: "https://github.com/msls-dev/msls"}
	index := map[string]int{}
	addRule := func(id, summary, url string, sev diagnostics.Severity, src string, aliases []string, fixable bool) {
		index[id] = len(driver.Rules)
		props := map[string]any{"source": src}
		if len(aliases) > 0 {
			// SARIF has no field for a rule's other names; code-scanning
			// tools show properties.
			props["aliases"] = aliases
		}
		if fixable {
			props["fixable"] = true
		}
		driver.Rules = append(driver.Rules, sarifRule{ID: id, Name: id, ShortDescription: sarifText{summary}, HelpURI: url,
			DefaultConfiguration: map[string]any{"level": sarifLevel(sev)}, Properties: props})
	}
	for _, r := range diagnostics.Rules() {
		addRule(r.Code, r.Summary, r.URL, r.Severity, string(r.Source), r.Aliases, r.Fixable())
	}
	run := sarifRun{Results: []sarifResult{}}
	for _, rep := range reports {
		uri := filepath.ToSlash(rep.Path)
		loc := func(start, end int) sarifPhysical {
			a, z := rep.Lines.Position(start), rep.Lines.Position(end)
			var p sarifPhysical
			p.Artifact.URI = uri
			p.Region = sarifRegion{StartLine: a.Line + 1, StartColumn: a.Character + 1, EndLine: z.Line + 1, EndColumn: z.Character + 1}
			return p
		}
		for k, fd := range rep.Findings {
			if _, ok := index[fd.Code]; !ok {
				addRule(fd.Code, fd.Code, fd.URL, fd.Severity, "msls", nil, false) // e.g. ParseError
			}
			res := sarifResult{RuleID: fd.Code, RuleIndex: index[fd.Code], Level: sarifLevel(fd.Severity), Message: sarifText{fd.Message},
				Locations: []sarifLocation{{Physical: loc(fd.Span.Start, fd.Span.End)}}}
			if a := diagnostics.FindingAliases(fd); len(a) > 0 {
				res.Properties = map[string]any{"aliases": a}
			}
			if k < len(rep.Fixable) && rep.Fixable[k] {
				if res.Properties == nil {
					res.Properties = map[string]any{}
				}
				res.Properties["fixable"] = true
			}
			for i, rel := range fd.Related {
				id := i + 1
				res.Related = append(res.Related, sarifLocation{ID: &id, Physical: loc(rel.Span.Start, rel.Span.End), Message: &sarifText{rel.Message}})
			}
			run.Results = append(run.Results, res)
		}
	}
	run.Tool.Driver = driver
	log := sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(log)
}
