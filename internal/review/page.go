package review

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
)

//go:embed assets/page.html assets/style.css assets/app.js
var assets embed.FS

var (
	pageTmpl = template.Must(template.ParseFS(assets, "assets/page.html"))
	pageCSS  = mustRead("assets/style.css")
	pageJS   = mustRead("assets/app.js")
	// pageCSP allows the page's own style and script (by hash) and
	// nothing else: no network, no other script, no frames.
	pageCSP = fmt.Sprintf("default-src 'none'; style-src '%s'; script-src '%s'; img-src data:; connect-src 'self'; base-uri 'none'; form-action 'none'",
		hash(pageCSS), hash(pageJS))
)

func mustRead(name string) string {
	b, err := assets.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func hash(s string) string {
	h := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(h[:])
}

// WriteHTML writes v as one self-contained HTML page: its style, script
// and data are inline and it loads nothing from the network. The data is
// embedded as JSON by html/template, so no name can close the script
// element or inject markup.
func WriteHTML(w io.Writer, v *View) error {
	title := "cleave review"
	if v.Module != "" {
		title += " · " + v.Module
	}
	return pageTmpl.Execute(w, struct {
		Title string
		CSP   string
		CSS   template.CSS
		JS    template.JS
		View  *View
	}{title, pageCSP, template.CSS(pageCSS), template.JS(pageJS), v})
}
