// cleave review: draws a plan's View and, when served live, edits it.
// Every name from the code is set with textContent or setAttribute, never
// parsed as markup.
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var view = JSON.parse(document.getElementById("cleave-data").textContent);
  var token = new URLSearchParams(location.search).get("token") || "";
  var notice = null; // {kind, text, items}
  var busy = false;

  function el(tag, attrs) {
    var e = document.createElement(tag);
    return fill(e, attrs, Array.prototype.slice.call(arguments, 2));
  }
  function sv(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    return fill(e, attrs, Array.prototype.slice.call(arguments, 2));
  }
  function fill(e, attrs, kids) {
    for (var k in attrs || {}) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), v);
      else if (k === "text") e.textContent = v;
      else e.setAttribute(k, v === true ? "" : String(v));
    }
    kids.forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      if (Array.isArray(c)) { fill(e, null, c); return; }
      e.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    });
    return e;
  }
  function clear(id) {
    var e = document.getElementById(id);
    while (e.firstChild) e.removeChild(e.firstChild);
    return e;
  }
  function plural(n, w) { return n + " " + w + (n === 1 ? "" : "s"); }
  function loc(n) { return n ? n.toLocaleString("en-US") + " LOC" : ""; }
  function color(name) {
    for (var i = 0; i < view.services.length; i++) if (view.services[i].name === name) return view.services[i].color % 10;
    return 9;
  }
  function chip(name) { return el("span", { "class": "chip c" + color(name), text: name }); }
  function fmt(f, isInt) {
    if (f === null || f === undefined) return "–";
    if (isInt) return String(Math.round(f));
    return Math.abs(f) >= 10 ? f.toFixed(1) : f.toFixed(2);
  }
  function verdict(r, other) {
    if (r.split === null || other === null || other === undefined || !r.better) return 0;
    var d = r.split - other;
    if (Math.abs(d) < 1e-9) return 0;
    return (d < 0) === (r.better === "lower") ? 1 : -1;
  }

  // ---- edits ----
  function api(path, body) {
    if (busy) return;
    busy = true;
    renderActions();
    fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Cleave-Token": token },
      body: JSON.stringify(body || {}),
      credentials: "same-origin",
    }).then(function (r) {
      return r.json().catch(function () { return { error: "the server answered " + r.status }; });
    }).then(function (res) {
      busy = false;
      if (res.view) view = res.view;
      if (res.error) notice = { kind: "error", text: res.error, items: res.problems };
      else if (res.message) {
        var shown = notice = { kind: "ok", text: res.message };
        setTimeout(function () { if (notice === shown) { notice = null; renderNotices(); } }, 5000);
      }
      else notice = null;
      render();
    }, function (err) {
      busy = false;
      notice = { kind: "error", text: "cannot reach cleave: " + err };
      render();
    });
  }
  function edit(op) { api("api/edit", op); }

  // ---- top bar ----
  function renderStats() {
    var s = clear("stats");
    var bl = view.blockers.length;
    s.appendChild(el("span", { "class": "stat" }, el("b", { text: view.services.length }), " services"));
    s.appendChild(el("span", { "class": "stat" }, el("b", { text: view.topics.length }), " topics"));
    var ip = (view.in_process || []).length;
    if (ip) s.appendChild(el("span", { "class": "stat", title: "functions called across services that stay direct calls" }, el("b", { text: ip }), " in-process"));
    s.appendChild(el("span", { "class": "stat" + (bl ? " bad" : "") }, el("b", { text: bl }), bl === 1 ? " blocker" : " blockers"));
    if (view.lines) s.appendChild(el("span", { "class": "stat" }, el("b", { text: view.lines.toLocaleString("en-US") }), " LOC"));
  }
  function renderActions() {
    var a = clear("actions");
    if (!view.live) return;
    var st = view.dirty ? "unsaved changes" : (view.saved ? "saved" : "no changes");
    a.appendChild(el("span", { "class": "status" + (view.dirty ? " dirty" : ""), id: "status", text: busy ? "re-planning…" : st }));
    a.appendChild(el("button", { "class": "btn", id: "undo", disabled: !view.undo || busy, title: "Undo the last edit (Ctrl+Z)",
      onclick: function () { api("api/undo"); } }, "Undo"));
    a.appendChild(el("button", { "class": "btn primary", id: "save", disabled: busy, title: "Write plan.yaml, keeping the previous version as plan.yaml.bak (Ctrl+S)",
      onclick: function () { api("api/save"); } }, "Save"));
  }
  function renderNotices() {
    var n = clear("notices");
    if (notice) {
      var box = el("div", { "class": "notice " + notice.kind, id: "notice", role: "status" }, el("span", { text: notice.text }));
      if (notice.items && notice.items.length) {
        box.appendChild(el("ul", null, notice.items.map(function (p) { return el("li", { text: (p.line ? "line " + p.line + ": " : "") + p.msg }); })));
      }
      n.appendChild(box);
    }
    if (view.problems && view.problems.length && !(notice && notice.items)) {
      n.appendChild(el("div", { "class": "notice warn", id: "problems" },
        el("span", { text: "The plan does not pass cleave check yet:" }),
        el("ul", null, view.problems.map(function (p) { return el("li", { text: (p.line ? "line " + p.line + ": " : "") + p.msg }); }))));
    }
  }

  // ---- graph ----
  var dragPkg = null;
  // home is the service a package is in, SHARED, or null.
  function home(p) {
    for (var i = 0; i < view.services.length; i++) {
      if (view.services[i].packages.some(function (q) { return q.path === p; })) return view.services[i].name;
    }
    return view.shared.some(function (q) { return q.path === p; }) ? SHARED : null;
  }
  function isMain(p) {
    return view.services.some(function (s) { return s.packages.some(function (q) { return q.path === p && q.main; }); });
  }
  function dropTarget(node, service) {
    if (!view.live) return;
    var op = function (p) { return service === SHARED ? { op: "share", package: p } : { op: "move", package: p, to: service }; };
    node.addEventListener("dragover", function (ev) {
      if (dragPkg !== null && home(dragPkg) !== service && !(service === SHARED && isMain(dragPkg))) { ev.preventDefault(); node.classList.add("drop"); }
    });
    node.addEventListener("dragleave", function () { node.classList.remove("drop"); });
    node.addEventListener("drop", function (ev) {
      ev.preventDefault();
      node.classList.remove("drop");
      var p = dragPkg || ev.dataTransfer.getData("text/plain");
      dragPkg = null;
      // Dropped back where it was: the person changed their mind.
      if (p && home(p) !== service) edit(op(p));
    });
  }
  function renderGraph() {
    var g = clear("graph");
    var L = view.layout;
    if (!L || !L.nodes.length) { g.appendChild(el("div", { "class": "empty", text: "No services." })); return; }
    var svg = sv("svg", { viewBox: [L.x, L.y, L.width, L.height].join(" "), role: "img", "aria-label": "services and the topics between them" });
    var defs = sv("defs");
    for (var i = 0; i < 10; i++) {
      defs.appendChild(sv("marker", { id: "arrow" + i, "class": "arrow c" + i, viewBox: "0 0 10 10", refX: 2, refY: 5,
        markerWidth: 11, markerHeight: 11, markerUnits: "userSpaceOnUse", orient: "auto-start-reverse" },
        sv("path", { d: "M0,0 L10,5 L0,10 z" })));
    }
    svg.appendChild(defs);
    var port = sv("g", { "class": "viewport" });
    svg.appendChild(port);
    var local = sv("g", { "class": "locals" });
    (L.local || []).forEach(function (lk) {
      local.appendChild(sv("path", { "class": "local", d: lk.path, "data-from": lk.from, "data-to": lk.to, "stroke-width": lk.width,
        "data-text": [lk.from, lk.to].concat(lk.topics).join(" ").toLowerCase() },
        sv("title", { text: lk.from + " → " + lk.to + " in-process (" + plural(lk.sites, "site") + ")\n" + lk.topics.join("\n") })));
    });
    port.appendChild(local);
    var links = sv("g");
    var labels = sv("g");
    var crowded = L.nodes.length > 6;
    L.links.forEach(function (lk) {
      var c = lk.color % 10;
      var text = [lk.from, lk.to].concat(lk.topics).join(" ").toLowerCase();
      var path = sv("path", { "class": "link c" + c + " " + lk.kind, d: lk.path, "data-from": lk.from, "data-to": lk.to, "data-text": text,
        "stroke-width": lk.width, "marker-end": "url(#arrow" + c + ")" },
        sv("title", { text: lk.from + " → " + lk.to + " (" + lk.kind + ", " + plural(lk.sites, "site") + ")\n" + lk.topics.join("\n") }));
      links.appendChild(path);
      if (crowded && lk.sites < 2) return; // the stroke says it; keep the drawing readable
      var txt = String(lk.sites);
      var w = 10 + 7 * txt.length;
      labels.appendChild(sv("g", { "class": "lbl c" + c, "data-from": lk.from, "data-to": lk.to, "data-text": text },
        sv("rect", { x: lk.lx - w / 2, y: lk.ly - 9, width: w, height: 18, rx: 9 }),
        sv("text", { x: lk.lx, y: lk.ly + 4, "text-anchor": "middle", text: txt }),
        sv("title", { text: lk.topics.join("\n") })));
    });
    port.appendChild(links);
    var byName = {};
    view.services.forEach(function (s) { byName[s.name] = s; });
    L.nodes.forEach(function (n) {
      var s = byName[n.service] || { packages: [], lines: 0 };
      var name = n.service.length > 20 ? n.service.slice(0, 19) + "…" : n.service;
      var grp = sv("g", { "class": "node c" + (n.color % 10) + (s.edge ? " edge" : ""), "data-service": n.service,
        "data-text": [n.service].concat(s.packages.map(function (p) { return p.path; })).join(" ").toLowerCase(),
        tabindex: 0, role: "button", "aria-label": "service " + n.service + ", " + plural(s.packages.length, "package") + ": list its topics" },
        sv("rect", { x: n.x, y: n.y, width: n.w, height: n.h, rx: 10 }),
        sv("circle", { "class": "dot", cx: n.x + 16, cy: n.y + 21, r: 4.5 }),
        sv("text", { "class": "name", x: n.x + 27, y: n.y + 26, text: name }),
        s.edge ? sv("text", { "class": "etag", x: n.x + n.w - 12, y: n.y + 25, "text-anchor": "end", text: "EDGE" }) : null,
        sv("text", { "class": "meta", x: n.x + 16, y: n.y + 45,
          text: plural(s.packages.length, "package") + (s.lines ? " · " + loc(s.lines) : "") }),
        sv("title", { text: n.service + "\n" + s.packages.map(function (p) { return p.path; }).join("\n") }));
      dropTarget(grp, n.service);
      grp.addEventListener("mouseenter", function () {
        svg.classList.add("focus");
        svg.querySelectorAll(".link, .lbl, .local").forEach(function (e) {
          e.classList.toggle("hi", e.getAttribute("data-from") === n.service || e.getAttribute("data-to") === n.service);
        });
      });
      grp.addEventListener("mouseleave", function () { svg.classList.remove("focus"); });
      var pick = function () {
        filters.topics = filters.topics === n.service ? "" : n.service;
        filters.inprocess = filters.topics;
        renderTopics();
        renderInProcess();
        document.getElementById("topics-section").scrollIntoView({ behavior: "smooth", block: "start" });
      };
      grp.addEventListener("click", function () { if (!panned) pick(); });
      grp.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); pick(); }
      });
      port.appendChild(grp);
    });
    port.appendChild(labels);
    g.appendChild(svg);
    applyZoom();
    applyGraphFilter();
  }

  // ---- zoom, pan and the drawing's filter ----
  // zoom is the viewport's transform in the drawing's own units; it
  // outlives re-renders, so an edit does not lose the person's place.
  var zoom = { k: 1, x: 0, y: 0 };
  var panned = false; // the last pointer gesture moved the drawing
  function graphSVG() { return document.querySelector("#graph svg"); }
  function applyZoom() {
    var svg = graphSVG();
    if (!svg) return;
    svg.querySelector(".viewport").setAttribute("transform",
      "translate(" + zoom.x.toFixed(2) + " " + zoom.y.toFixed(2) + ") scale(" + zoom.k.toFixed(4) + ")");
    svg.classList.toggle("nolocal", !document.getElementById("show-local").checked);
    // Many services: the site counts show once zoomed in (or on a match).
    svg.classList.toggle("far", view.services.length > 20 && zoom.k < 2);
  }
  // toUser turns a point on the screen into the drawing's units.
  function toUser(svg, cx, cy) {
    var m = svg.getScreenCTM();
    if (!m) return null;
    var p = svg.createSVGPoint();
    p.x = cx; p.y = cy;
    return p.matrixTransform(m.inverse());
  }
  function centre() {
    var L = view.layout;
    return { x: L.x + L.width / 2, y: L.y + L.height / 2 };
  }
  // zoomBy scales the drawing by f around the point at (x, y).
  function zoomBy(f, at) {
    at = at || centre();
    var k = Math.min(12, Math.max(0.5, zoom.k * f));
    f = k / zoom.k;
    zoom.x = at.x - (at.x - zoom.x) * f;
    zoom.y = at.y - (at.y - zoom.y) * f;
    zoom.k = k;
    applyZoom();
  }
  function panBy(dx, dy) { zoom.x += dx; zoom.y += dy; applyZoom(); }
  function resetZoom() { zoom = { k: 1, x: 0, y: 0 }; applyZoom(); }
  // zoomTo fits the boxes of the named services into the drawing.
  function zoomTo(names) {
    var L = view.layout;
    var lo = [Infinity, Infinity], hi = [-Infinity, -Infinity];
    L.nodes.forEach(function (n) {
      if (names.indexOf(n.service) < 0) return;
      lo = [Math.min(lo[0], n.x), Math.min(lo[1], n.y)];
      hi = [Math.max(hi[0], n.x + n.w), Math.max(hi[1], n.y + n.h)];
    });
    if (lo[0] === Infinity) return;
    var pad = 60;
    var k = Math.min(4, Math.max(1, Math.min(L.width / (hi[0] - lo[0] + 2 * pad), L.height / (hi[1] - lo[1] + 2 * pad))));
    var c = centre();
    zoom = { k: k, x: c.x - k * (lo[0] + hi[0]) / 2, y: c.y - k * (lo[1] + hi[1]) / 2 };
    applyZoom();
  }
  // applyGraphFilter highlights the services whose name or packages, and
  // the arrows whose services or topics, hold what is typed in the box,
  // and dims the rest; the services at both ends of a highlighted arrow
  // stay undimmed.
  function applyGraphFilter() {
    var svg = graphSVG();
    var count = document.getElementById("graph-count");
    var q = document.getElementById("graph-filter").value.trim().toLowerCase();
    if (!svg) { count.textContent = ""; return []; }
    svg.classList.toggle("filtering", q !== "");
    var near = Object.create(null), hit = [], arrows = 0;
    svg.querySelectorAll(".link, .lbl, .local").forEach(function (e) {
      var m = q !== "" && e.getAttribute("data-text").indexOf(q) >= 0;
      e.classList.toggle("match", m);
      e.classList.toggle("dim", q !== "" && !m);
      if (m) {
        near[e.getAttribute("data-from")] = near[e.getAttribute("data-to")] = true;
        if (e.classList.contains("link")) arrows++;
      }
    });
    svg.querySelectorAll(".node").forEach(function (e) {
      var name = e.getAttribute("data-service");
      var m = q !== "" && e.getAttribute("data-text").indexOf(q) >= 0;
      if (m) hit.push(name);
      e.classList.toggle("match", m);
      e.classList.toggle("dim", q !== "" && !m && !near[name]);
    });
    count.textContent = q === "" ? "" : plural(hit.length, "service") + " · " + plural(arrows, "arrow");
    return hit.length ? hit : Object.keys(near);
  }
  (function () {
    var g = document.getElementById("graph");
    var input = document.getElementById("graph-filter");
    input.addEventListener("input", applyGraphFilter);
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter") { ev.preventDefault(); var names = applyGraphFilter(); if (input.value.trim()) zoomTo(names); else resetZoom(); }
      if (ev.key === "Escape") { input.value = ""; applyGraphFilter(); }
    });
    document.getElementById("zoom-in").addEventListener("click", function () { zoomBy(1.4); });
    document.getElementById("zoom-out").addEventListener("click", function () { zoomBy(1 / 1.4); });
    document.getElementById("zoom-reset").addEventListener("click", resetZoom);
    document.getElementById("show-local").addEventListener("change", applyZoom);
    // The wheel zooms once the drawing has the focus (a click in it, or
    // Tab), or with Ctrl or ⌘ held: otherwise it scrolls the page, which
    // a reader passing over the drawing means to do.
    g.addEventListener("wheel", function (ev) {
      var svg = graphSVG();
      if (!svg || !ev.deltaY || !(ev.ctrlKey || ev.metaKey || document.activeElement === g)) return;
      ev.preventDefault();
      var at = toUser(svg, ev.clientX, ev.clientY);
      zoomBy(Math.exp(-ev.deltaY * (ev.deltaMode === 1 ? 0.05 : 0.0015)), at);
    }, { passive: false });
    g.addEventListener("keydown", function (ev) {
      if (ev.target !== g || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var step = view.layout.width / 12;
      var keys = {
        "+": function () { zoomBy(1.4); }, "=": function () { zoomBy(1.4); }, "-": function () { zoomBy(1 / 1.4); },
        "0": resetZoom, ArrowLeft: function () { panBy(step, 0); }, ArrowRight: function () { panBy(-step, 0); },
        ArrowUp: function () { panBy(0, step); }, ArrowDown: function () { panBy(0, -step); }
      };
      if (keys[ev.key]) { ev.preventDefault(); keys[ev.key](); }
    });
    var drag = null;
    g.addEventListener("pointerdown", function (ev) {
      var svg = graphSVG();
      if (!svg || ev.button !== 0 || ev.target.closest(".node")) return;
      drag = { id: ev.pointerId, x: ev.clientX, y: ev.clientY, moved: false };
      panned = false;
    });
    g.addEventListener("pointermove", function (ev) {
      if (!drag || ev.pointerId !== drag.id) return;
      var svg = graphSVG();
      var a = toUser(svg, drag.x, drag.y), b = toUser(svg, ev.clientX, ev.clientY);
      if (!a || !b) return;
      if (!drag.moved && Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) < 4) return;
      if (!drag.moved) { drag.moved = panned = true; g.setPointerCapture(drag.id); g.classList.add("panning"); }
      panBy(b.x - a.x, b.y - a.y);
      drag.x = ev.clientX; drag.y = ev.clientY;
    });
    function end() { if (drag) { g.classList.remove("panning"); drag = null; setTimeout(function () { panned = false; }, 0); } }
    g.addEventListener("pointerup", end);
    g.addEventListener("pointercancel", end);
  })();

  // ---- scores ----
  function splitCell(r) {
    var v = verdict(r, r.random);
    var split = el("td", { "class": "num split" + (v > 0 ? " good" : v < 0 ? " bad" : ""), id: "score-" + r.key,
      title: v > 0 ? "better than random" : v < 0 ? "worse than random" : "" }, fmt(r.split, r.int));
    if (view.live && r.initial !== undefined && r.initial !== null && Math.abs(r.initial - r.split) > 1e-9) {
      var d = r.split - r.initial;
      var good = r.better ? ((d < 0) === (r.better === "lower")) : null;
      split.appendChild(el("span", { "class": "delta" + (good === null ? "" : good ? " good" : " bad"),
        text: (d > 0 ? "▲ " : "▼ ") + fmt(Math.abs(d), r.int) }));
    }
    return split;
  }
  var baselines = [["boulder", "one service for everything"], ["grains", "one service per package"], ["random", "median of random splits of the same sizes"]];
  function renderScoresWide(t) {
    t.classList.add("wide");
    t.appendChild(el("tr", null, el("th", { text: "" }), view.scores.map(function (r) {
      return el("th", { "class": "num", title: r.help + (r.better ? " (" + r.better + " is better)" : "") },
        r.name, r.better ? el("span", { "class": "better", text: r.better === "lower" ? " ↓" : " ↑" }) : null);
    })));
    t.appendChild(el("tr", { "class": "splitrow" }, el("td", { "class": "name" }, el("b", { text: "this split" })), view.scores.map(splitCell)));
    baselines.forEach(function (b) {
      t.appendChild(el("tr", null, el("td", { "class": "name", title: b[1] }, el("span", { text: b[0] }), el("div", { text: b[1] })),
        view.scores.map(function (r) { return el("td", { "class": "num base" }, fmt(r[b[0]], r.int)); })));
    });
  }
  function renderScores() {
    var t = clear("scores");
    t.classList.remove("wide");
    if (!view.scores.length) { t.appendChild(el("tr", null, el("td", { "class": "none", text: "This plan has no scores." }))); return; }
    if (view.services.length > 5) { renderScoresWide(t); return; }
    t.appendChild(el("tr", null, el("th", { text: "score" }), el("th", { "class": "num", text: "split" }),
      el("th", { "class": "num", text: "boulder", title: "one service for everything" }),
      el("th", { "class": "num", text: "grains", title: "one service per package" }),
      el("th", { "class": "num", text: "random", title: "median of random splits of the same sizes" })));
    view.scores.forEach(function (r) {
      var split = splitCell(r);
      t.appendChild(el("tr", null,
        el("td", { "class": "name", title: r.help }, el("b", { text: r.name }),
          r.better ? el("span", { "class": "better", text: r.better === "lower" ? "  ↓ better" : "  ↑ better" }) : null,
          el("div", { text: r.help })),
        split,
        el("td", { "class": "num base" }, fmt(r.boulder, r.int)),
        el("td", { "class": "num base" }, fmt(r.grains, r.int)),
        el("td", { "class": "num base" }, fmt(r.random, r.int))));
    });
  }

  // ---- services ----
  var SHARED = "\u0000shared"; // not a service name: those are identifiers
  function serviceSelect(current, label, onpick, withShared) {
    var s = el("select", { "aria-label": label, title: label },
      el("option", { value: "", text: label }));
    view.services.forEach(function (o) {
      if (o.name !== current) s.appendChild(el("option", { value: o.name, text: o.name }));
    });
    if (withShared) s.appendChild(el("option", { value: SHARED, text: "shared (library)" }));
    s.addEventListener("change", function () { if (s.value) onpick(s.value); });
    return s;
  }
  function pkgRow(p, service) {
    var li = el("li", { "class": "pkg", title: p.path + (p.lines ? " · " + loc(p.lines) : ""), "data-package": p.path },
      el("span", { "class": "p", text: p.short }),
      p.main ? el("span", { "class": "main", text: "main" }) : null,
      el("span", { "class": "loc", text: p.lines ? String(p.lines) : "" }));
    if (view.live) {
      li.setAttribute("draggable", "true");
      li.addEventListener("dragstart", function (ev) {
        dragPkg = p.path;
        ev.dataTransfer.setData("text/plain", p.path);
        ev.dataTransfer.effectAllowed = "move";
        li.classList.add("dragging");
      });
      li.addEventListener("dragend", function () { li.classList.remove("dragging"); dragPkg = null; });
      li.appendChild(serviceSelect(service, "move to…", function (to) {
        edit(to === SHARED ? { op: "share", package: p.path } : { op: "move", package: p.path, to: to });
      }, service !== null && !p.main)); // a program cannot be linked into services
    }
    return li;
  }
  function renderServices() {
    var box = clear("services");
    document.getElementById("services-sub").textContent =
      plural(view.services.length, "service") + (view.lines ? " · " + loc(view.lines) : "") + (view.live ? " · drag a package onto another service to move it" : "");
    view.services.forEach(function (s) {
      var card = el("div", { "class": "card svc c" + (s.color % 10), "data-service": s.name },
        el("header", null, el("span", { "class": "dot" }), el("h3", { text: s.name }), s.edge ? el("span", { "class": "tag", text: "edge", title: "keeps the program's entry points" }) : null),
        el("div", { "class": "meta", text: plural(s.packages.length, "package") + (s.lines ? " · " + loc(s.lines) : "") + " · consumes " + s["in"] + " · produces " + s.out }),
        el("ul", { "class": "pkgs" }, s.packages.map(function (p) { return pkgRow(p, s.name); })));
      if (view.live) {
        var foot = el("footer");
        var rename = el("button", { "class": "btn small", text: "Rename", onclick: function () {
          var input = el("input", { value: s.name, "aria-label": "new name of " + s.name, spellcheck: "false" });
          var form = el("form", { "class": "rename" }, input, el("button", { "class": "btn small primary", type: "submit", text: "OK" }));
          form.addEventListener("submit", function (ev) { ev.preventDefault(); edit({ op: "rename", service: s.name, to: input.value.trim() }); });
          while (foot.firstChild) foot.removeChild(foot.firstChild);
          foot.appendChild(form);
          input.focus();
          input.select();
        } });
        foot.appendChild(rename);
        if (view.services.length > 1) foot.appendChild(serviceSelect(s.name, "merge into…", function (to) { edit({ op: "merge", service: s.name, to: to }); }, false));
        foot.appendChild(el("button", { "class": "btn small danger", text: "Delete", disabled: s.packages.length > 0,
          title: s.packages.length ? "move its packages away or merge it first" : "delete this empty service",
          onclick: function () { edit({ op: "delete", service: s.name }); } }));
        card.appendChild(foot);
        dropTarget(card, s.name);
      }
      box.appendChild(card);
    });
    if (view.shared.length || view.live) {
      var shared = el("div", { "class": "card svc shared", "data-shared": "" },
        el("header", null, el("span", { "class": "dot" }), el("h3", { text: "shared" }), el("span", { "class": "tag", text: "library" })),
        el("div", { "class": "meta", text: plural(view.shared.length, "package") + " linked into every service that needs them" }),
        el("ul", { "class": "pkgs" }, view.shared.map(function (p) { return pkgRow(p, null); })));
      dropTarget(shared, SHARED);
      box.appendChild(shared);
    }
    if (view.live) {
      var input = el("input", { placeholder: "new service name", "aria-label": "new service name", id: "new-service", spellcheck: "false" });
      var form = el("form", { "class": "card newsvc" }, el("h3", { text: "New service" }), input,
        el("button", { "class": "btn", type: "submit", id: "create", text: "Create" }),
        el("div", { "class": "hint", text: "a lower-case Go identifier; then drag packages into it" }));
      form.addEventListener("submit", function (ev) { ev.preventDefault(); edit({ op: "create", service: input.value.trim() }); });
      box.appendChild(form);
    }
  }

  // ---- filters ----
  var filters = { topics: "", inprocess: "", blockers: "" };
  var nouns = { topics: "topic", inprocess: "in-process call", blockers: "blocker" };
  function filterBox(which, placeholder) {
    var input = el("input", { type: "search", "class": "filter", placeholder: placeholder, "aria-label": placeholder, value: filters[which], spellcheck: "false" });
    input.addEventListener("input", function () { filters[which] = input.value; applyFilter(which); });
    return input;
  }
  function applyFilter(which) {
    var f = filters[which].trim().toLowerCase();
    var rows = document.querySelectorAll("#" + which + " tr[data-text]");
    var shown = 0, groups = Object.create(null);
    rows.forEach(function (r) {
      var hit = !f || r.getAttribute("data-text").indexOf(f) >= 0;
      r.hidden = !hit;
      if (hit) { shown++; groups[r.getAttribute("data-in")] = true; }
    });
    // Group rows (a service pair) show while one of their rows does.
    document.querySelectorAll("#" + which + " tr[data-group]").forEach(function (r) {
      r.hidden = !groups[r.getAttribute("data-group")];
    });
    var table = document.querySelector("#" + which + " table");
    if (table) table.classList.toggle("filtering", !!f); // a filter shows folded rows too
    var c = document.getElementById(which + "-count");
    if (c) c.textContent = f ? shown + " of " + rows.length : plural(rows.length, nouns[which]);
  }
  function placeFilter(which, placeholder) {
    var slot = clear(which + "-filter");
    slot.appendChild(el("span", { "class": "sub", id: which + "-count" }));
    slot.appendChild(filterBox(which, placeholder));
  }

  // ---- topics ----
  function localNote(l) {
    if (!l) return null;
    return el("button", { "class": "alsolocal", text: "+ " + plural(l.sites, "in-process call") + " (" + l.reasons.sort().join(", ") + ")",
      title: "some calls of this function stay direct calls: show them",
      onclick: function () {
        filters.inprocess = l.fn;
        renderInProcess();
        document.getElementById("inprocess-section").scrollIntoView({ behavior: "smooth", block: "start" });
      } });
  }
  function renderTopics() {
    placeFilter("topics", "filter by subject, service or function");
    var box = clear("topics");
    if (!view.topics.length) { box.appendChild(el("div", { "class": "none", text: "No call crosses a service boundary." })); return; }
    // Functions some of whose calls stay in-process (start-up seeding
    // through a method that is a topic at request time).
    var local = Object.create(null); // names from the plan: no inherited keys
    (view.in_process || []).forEach(function (ip) {
      var l = local[ip.function] = local[ip.function] || { fn: ip.function, sites: 0, reasons: [] };
      l.sites += ip.sites.length;
      if (l.reasons.indexOf(ip.reason) < 0) l.reasons.push(ip.reason);
    });
    var t = el("table", { id: "topic-table" }, el("tr", null,
      el("th", { text: "topic" }), el("th", { text: "kind" }), el("th", { text: "producers → consumer" }),
      el("th", { text: "function" }), el("th", { text: "sites" })));
    view.topics.forEach(function (tp) {
      var kind;
      if (view.live) {
        var other = tp.kind === "event" ? "request" : "event";
        kind = el("button", { "class": "kind " + tp.kind, title: "make it " + (other === "event" ? "an event" : "a request"),
          onclick: function () { edit({ op: "kind", function: tp.function, kind: other }); } },
          tp.kind, el("span", { "class": "flip", text: "⇄" }));
      } else {
        kind = el("span", { "class": "kind " + tp.kind, text: tp.kind });
      }
      var flow = el("div", { "class": "flow" });
      tp.producers.forEach(function (p, i) { if (i) flow.appendChild(document.createTextNode(" ")); flow.appendChild(chip(p)); });
      flow.appendChild(el("span", { "class": "arrowtxt", text: "→" }));
      flow.appendChild(chip(tp.consumer));
      var sites = el("details", null, el("summary", { text: plural(tp.sites.length, "site") }),
        el("ul", null, tp.sites.map(function (s) { return el("li", { text: s }); })));
      var text = [tp.subject, tp.kind, tp.function, tp.consumer].concat(tp.producers, tp.sites).join(" ").toLowerCase();
      t.appendChild(el("tr", { "data-subject": tp.subject, "data-text": text },
        el("td", null, el("div", { "class": "subject", text: tp.subject }),
          tp.blockers ? el("button", { "class": "blocked", text: "● " + plural(tp.blockers, "blocker"), title: "show its blockers",
            onclick: function () {
              filters.blockers = tp.subject;
              renderBlockers();
              document.getElementById("blockers").scrollIntoView({ behavior: "smooth", block: "start" });
            } }) : null,
          localNote(local[tp.function])),
        el("td", null, kind, tp.flipped ? el("div", { "class": "better", text: "chosen by you" }) : null),
        el("td", null, flow),
        el("td", { "class": "fn", text: tp.short, title: tp.function }),
        el("td", null, sites)));
    });
    box.appendChild(t);
    applyFilter("topics");
  }

  // ---- in-process calls ----
  var reasons = {
    startup: "start-up wiring: every service process runs it on its own objects (constructors, options, Start and Stop), so it stays a direct call",
    value: "a method of a value the caller already holds: it computes on the caller's copy, so it stays a direct call",
    background: "start-up wiring that starts background work of the callee's service (a dispatcher's Start, its Stop): only that service's processes make the call"
  };
  var folded = Object.create(null), foldAll = null; // service pairs the person folded or unfolded; the default
  // site drops the column: file:line is what a person looks up.
  function site(s) { var m = /^(.*:\d+):\d+$/.exec(s); return m ? m[1] : s; }
  function renderInProcess() {
    placeFilter("inprocess", "filter by service, function or file");
    var box = clear("inprocess");
    var all = view.in_process || [];
    if (!all.length) { box.appendChild(el("div", { "class": "none", text: "None: every call between services crosses as a topic." })); return; }
    // One group per calling service and callee service.
    var pairs = Object.create(null), keys = [];
    all.forEach(function (ip) {
      var callers = ip.callers && ip.callers.length ? ip.callers : [{ service: "", sites: ip.sites }];
      callers.forEach(function (c) {
        var k = c.service + " → " + ip.consumer;
        if (!pairs[k]) { pairs[k] = { from: c.service, to: ip.consumer, rows: [] }; keys.push(k); }
        pairs[k].rows.push({ ip: ip, sites: c.sites });
      });
    });
    keys.sort(function (a, b) {
      var x = pairs[a], y = pairs[b];
      return x.from < y.from ? -1 : x.from > y.from ? 1 : x.to < y.to ? -1 : x.to > y.to ? 1 : 0;
    });
    // A long list starts folded to its service pairs.
    if (foldAll === null) foldAll = all.length > 40;
    var t = el("table", { id: "inprocess-table" }, el("tr", null,
      el("th", { text: "function" }), el("th", { text: "why it stays a direct call" }), el("th", { text: "call sites" })));
    keys.forEach(function (k) {
      var pr = pairs[k];
      var open = k in folded ? !folded[k] : !foldAll;
      var from = pr.from ? chip(pr.from) : el("span", { "class": "chip nosvc", text: "outside the services", title: "the call sites are in no service's package directory" });
      var flip = function (ev) { ev.stopPropagation(); folded[k] = open; renderInProcess(); };
      var toggle = el("button", { type: "button", "class": "fold", "aria-expanded": String(open), title: open ? "fold" : "unfold",
        "aria-label": (open ? "fold " : "unfold ") + k, onclick: flip }, open ? "▾" : "▸");
      var why = Object.create(null);
      pr.rows.forEach(function (r) { why[r.ip.reason] = (why[r.ip.reason] || 0) + 1; });
      var count = plural(pr.rows.length, "function") + " · " + Object.keys(why).sort().map(function (w) { return why[w] + " " + w; }).join(", ");
      t.appendChild(el("tr", { "class": "pair", "data-group": k, "data-from": pr.from, "data-to": pr.to, onclick: flip },
        el("td", { colspan: 3 }, el("div", { "class": "flow" }, toggle, from, el("span", { "class": "arrowtxt", text: "→" }), chip(pr.to),
          el("span", { "class": "count", text: count })))));
      pr.rows.forEach(function (r) {
        var ip = r.ip;
        var list = r.sites.map(function (s) { return el("li", { text: site(s), title: s }); });
        var sites = list.length <= 3 ? el("ul", { "class": "sites" }, list)
          : el("details", null, el("summary", { text: plural(list.length, "site") }), el("ul", { "class": "sites" }, list));
        var text = [pr.from, pr.to, ip.function, ip.reason].concat(r.sites).join(" ").toLowerCase();
        t.appendChild(el("tr", { "data-text": text, "data-in": k, "data-function": ip.function, "class": open ? null : "folded" },
          el("td", { "class": "fn", text: ip.short || ip.function, title: ip.function }),
          el("td", null, el("span", { "class": "reason " + ip.reason, text: ip.reason,
            title: Object.prototype.hasOwnProperty.call(reasons, ip.reason) ? reasons[ip.reason] : "" })),
          el("td", null, sites)));
      });
    });
    box.appendChild(t);
    applyFilter("inprocess");
  }

  // ---- blockers ----
  function renderBlockers() {
    placeFilter("blockers", "filter by file, hazard or topic");
    var box = clear("blockers");
    if (!view.blockers.length) { box.appendChild(el("div", { "class": "none", text: "None: every crossing can be rewritten." })); return; }
    var kinds = {};
    view.blockers.forEach(function (b) { kinds[b.kind] = (kinds[b.kind] || 0) + 1; });
    box.appendChild(el("div", { "class": "kinds" }, Object.keys(kinds).sort().map(function (k) {
      return el("button", { "class": "hzbtn" + (filters.blockers === k ? " on" : ""), title: "show only " + k + " blockers",
        onclick: function () { filters.blockers = filters.blockers === k ? "" : k; renderBlockers(); } },
        el("span", { "class": "hz", text: k }), " " + kinds[k]);
    })));
    var t = el("table", null, el("tr", null, el("th", { text: "where" }), el("th", { text: "hazard" }),
      el("th", { text: "what and what to do" }), el("th", { text: "topic" })));
    view.blockers.forEach(function (b) {
      var text = [b.pos, b.kind, b.message, b.fix, b.topic || "", b.service || ""].join(" ").toLowerCase();
      t.appendChild(el("tr", { "data-text": text },
        el("td", { "class": "pos", text: b.pos }),
        el("td", null, el("span", { "class": "hz", text: b.kind })),
        el("td", null, el("div", { text: b.message }), b.fix ? el("div", { "class": "fix" }, el("b", { text: "Fix " }), b.fix) : null),
        el("td", null, b.topic ? el("div", { "class": "subject", text: b.topic }) : null)));
    });
    box.appendChild(t);
    applyFilter("blockers");
  }

  function render() {
    document.body.classList.toggle("live", !!view.live);
    document.getElementById("overview").classList.toggle("wide", view.services.length > 5);
    document.getElementById("overview").classList.toggle("big", view.services.length > 20);
    renderStats();
    renderActions();
    renderNotices();
    renderGraph();
    renderScores();
    renderServices();
    renderTopics();
    renderInProcess();
    renderBlockers();
    document.body.setAttribute("data-rendered", String((+document.body.getAttribute("data-rendered") || 0) + 1));
  }
  document.addEventListener("keydown", function (ev) {
    if (!view.live || !(ev.ctrlKey || ev.metaKey)) return;
    // Ctrl+S saves the plan wherever the focus is; Ctrl+Z in a text box
    // undoes the typing, elsewhere the last edit.
    if (ev.key === "s") { ev.preventDefault(); api("api/save"); }
    if (ev.key === "z" && ev.target.tagName !== "INPUT") { ev.preventDefault(); if (view.undo) api("api/undo"); }
  });
  render();
})();
