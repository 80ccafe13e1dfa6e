/// The dashboard's script: draws the view the URL names from the JSON
/// endpoints under `/_dashboard/api`, and refreshes it with one request per
/// refresh while the tab is visible. Written for this service; no libraries.
enum DashboardScript {
    static let js = #"""
        "use strict";
        const STATUSES = ["uninitialized", "blocked", "ready", "submitted_pending", "submitted", "done", "canceled", \#
        "terminated", "disabled"];
        const REFRESH_MS = Number(new URLSearchParams(location.search).get("refresh") || 5000);
        const app = document.getElementById("app");
        const crumbs = document.getElementById("crumbs");
        const live = document.getElementById("live");
        let timer = null;
        let config = { actions_enabled: false };

        function esc(v) {
          return String(v === undefined || v === null ? "" : v).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": \#
        "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
        }
        function colour(s) { return STATUSES.includes(s) ? `var(--s-${s})` : "var(--s-unknown)"; }
        function badge(s) { return `<span class="badge s-${esc(s)}" style="background:${colour(s)}">${esc(s)}</span>`; }
        function enc(s) { return encodeURIComponent(s); }
        function fmtTime(v) {
          if (v === undefined || v === null || v === "") return "";
          const d = typeof v === "number" ? new Date(v > 1e12 ? v : v * 1000) : new Date(v);
          return isNaN(d) ? esc(v) : d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
        }
        function fmtSeconds(s) {
          if (typeof s !== "number") return "";
          if (s < 60) return `${s.toFixed(1)} s`;
          if (s < 3600) return `${(s / 60).toFixed(1)} min`;
          return `${(s / 3600).toFixed(2)} h`;
        }
        async function api(path, options) {
          const response = await fetch("/_dashboard/api" + path, Object.assign({ headers: { "Accept": \#
        "application/json" } }, options || {}));
          const body = await response.json().catch(() => ({}));
          if (!response.ok) throw new Error(body.errorMessage || `HTTP ${response.status}`);
          return body;
        }
        function setCrumbs(parts) {
          crumbs.innerHTML = parts.map(([label, href]) => href ? `<a href="${href}">${esc(label)}</a>` : \#
        `<span>${esc(label)}</span>`).join('<span class="sep">/</span>');
        }
        function progress(counts) {
          const total = counts.total || 0;
          if (!total) return '<div class="progress" title="no jobs"></div>';
          const parts = STATUSES.filter(s => counts[s]).map(s => `<span style="width:${(100 * counts[s] / \#
        total).toFixed(3)}%;background:${colour(s)}" title="${s}: ${counts[s]}"></span>`);
          return `<div class="progress" data-total="${total}">${parts.join("")}</div>`;
        }
        function legend() {
          return `<div class="legend">${STATUSES.map(s => `<span><i \#
        style="background:${colour(s)}"></i>${s}</span>`).join("")}</div>`;
        }
        function showError(error) { app.innerHTML = `<p class="error">${esc(error.message || error)}</p>`; }

        /// Runs `draw` now and again REFRESH_MS after each answer while the tab is visible: one
        /// request per refresh, and never a second one while the first is still being answered.
        function poll(draw) {
          const tick = async () => {
            if (!document.hidden) {
              try { await draw(); live.textContent = "live · updated " + new Date().toLocaleTimeString(); \#
        live.className = "live on"; }
              catch (e) { live.textContent = "update failed: " + e.message; live.className = "live"; }
            }
            if (REFRESH_MS > 0) timer = setTimeout(tick, REFRESH_MS);
          };
          tick();
        }

        // ---------- databases ----------
        function viewHome() {
          setCrumbs([]);
          const recent = JSON.parse(localStorage.getItem("torc.databases") || "[]");
          app.innerHTML = `<h1>Databases</h1><p class="muted">Each database is an independent set of workflows \#
        (<code>/_db/{database}/torc-service</code>).</p>
            <div class="panel"><form id="dbform" class="filters"><label>Database <input id="dbname" \#
        value="${esc(recent[0] || "workflows")}" autofocus></label><button>Open</button></form>
            ${recent.length ? `<p>Recently opened: ${recent.map(d => `<a \#
        href="/dashboard/${enc(d)}">${esc(d)}</a>`).join(", ")}</p>` : ""}</div>`;
          document.getElementById("dbform").addEventListener("submit", e => {
            e.preventDefault();
            location.href = "/dashboard/" + enc(document.getElementById("dbname").value.trim());
          });
        }

        // ---------- workflows of a database ----------
        function viewWorkflows(db) {
          const list = JSON.parse(localStorage.getItem("torc.databases") || "[]").filter(d => d !== db);
          localStorage.setItem("torc.databases", JSON.stringify([db].concat(list).slice(0, 8)));
          setCrumbs([[db, null]]);
          poll(async () => {
            const data = await api(`/${enc(db)}/workflows`);
            const rows = data.items.map(w => {
              const state = w.is_canceled ? '<span class="tag canceled">canceled</span>' : (w.is_complete ? '<span \#
        class="tag done">complete</span>' : "");
              return `<tr data-key="${esc(w._key)}"><td><a \#
        href="/dashboard/${enc(db)}/workflows/${enc(w._key)}">${esc(w.name || w._key)}</a>${state}<div \#
        class="muted">${esc(w.description || "")}</div></td>
                <td>${esc(w.user)}</td><td \#
        class="muted">${esc(w._key)}</td><td>${w.job_counts.total}</td><td>${progress(w.job_counts)}</td></tr>`;
            }).join("");
            app.innerHTML = `<h1>Workflows</h1><p class="muted">${data.total_count} workflow(s) in database \#
        <b>${esc(db)}</b>, newest first.</p>${legend()}
              <table id="workflows"><thead><tr><th>Name</th><th>User</th><th>Key</th><th>Jobs</th><th \#
        style="width:35%">Progress</th></tr></thead>
              <tbody>${rows || '<tr><td colspan="5" class="muted">No workflows yet.</td></tr>'}</tbody></table>`;
          });
        }

        // ---------- one workflow ----------
        function viewWorkflow(db, key) {
          const state = { status: "", name: "", skip: 0, limit: 50 };
          const base = `/dashboard/${enc(db)}/workflows/${enc(key)}`;
          let data = null;
          app.innerHTML = '<p class="muted">Loading…</p>';
          const load = async () => {
            const q = new URLSearchParams({ status: state.status, name: state.name, skip: state.skip, limit: \#
        state.limit });
            data = await api(`/${enc(db)}/workflows/${enc(key)}?${q}`);
            render();
          };
          const render = () => {
            const w = data.workflow, c = data.job_counts;
            setCrumbs([[db, `/dashboard/${enc(db)}`], [w.name || w._key, null]]);
            const stateTag = data.is_canceled ? '<span class="tag canceled">canceled</span>' : (data.is_complete ? \#
        '<span class="tag done">complete</span>' : '<span class="tag">running or not started</span>');
            const cards = [`<div class="count${state.status === "" ? " active" : ""}" data-status="" \#
        style="border-left-color:#1d2633"><span class="muted">all</span><b>${c.total}</b></div>`]
              .concat(STATUSES.map(s => `<div class="count${state.status === s ? " active" : ""}" data-status="${s}" \#
        style="border-left-color:${colour(s)}"><span class="muted">${s}</span><b>${c[s] || 0}</b></div>`)).join("");
            const jobs = data.jobs;
            const rows = jobs.items.map(j => `<tr data-key="${esc(j._key)}"><td><a \#
        href="${base}/jobs/${enc(j._key)}">${esc(j.name || \#
        j._key)}</a></td><td>${badge(j.status)}</td><td><code>${esc(j.command)}</code></td><td \#
        class="muted">${esc(j._key)}</td></tr>`).join("");
            const last = Math.min(jobs.skip + jobs.items.length, jobs.total_count);
            const actions = `<div class="actions">${["cancel", "reset_status", "restart_failed"].map(a => `<button \#
        class="danger" data-action="${a}" ${config.actions_enabled ? "" : 'disabled title="read-only: actions need a \#
        write role"'}>${a.replace("_", " ")}</button>`).join("")}</div>`;
            const table = (items, cols) => items.length ? `<table><thead><tr>${cols.map(c => \#
        `<th>${c}</th>`).join("")}</tr></thead><tbody>${items.map(d => `<tr>${cols.map(c => `<td>${esc(typeof d[c] \#
        === "object" ? JSON.stringify(d[c]) : d[c])}</td>`).join("")}</tr>`).join("")}</tbody></table>` : '<p \#
        class="muted">None.</p>';
            const focused = document.activeElement && document.activeElement.id === "namefilter";
            app.innerHTML = `<h1>${esc(w.name || w._key)} ${stateTag}</h1>
              <p class="muted">key ${esc(w._key)} · user ${esc(w.user)}${w.timestamp ? " · created " + \#
        fmtTime(w.timestamp) : ""} · <a href="${base}/graph">dependency graph</a></p>
              <div class="panel">${progress(c)}${legend()}<div class="counts" id="counts">${cards}</div>${actions}</div>
              <h2>Jobs</h2>
              <div class="filters"><label>Status <select id="statusfilter"><option \#
        value="">all</option>${STATUSES.map(s => `<option ${s === state.status ? "selected" : \#
        ""}>${s}</option>`).join("")}</select></label>
                <label>Name contains <input id="namefilter" value="${esc(state.name)}" placeholder="e.g. \#
        postprocess"></label></div>
              <table id="jobs"><thead><tr><th>Name</th><th>Status</th><th>Command</th><th>Key</th></tr></thead><tbody>\#
        ${rows || '<tr><td colspan="4" class="muted">No jobs match.</td></tr>'}</tbody></table>
              <div class="pager"><button id="prev" ${jobs.skip > 0 ? "" : "disabled"}>‹ Previous</button>
                <span id="pageinfo">${jobs.total_count ? `${jobs.skip + 1}–${last} of ${jobs.total_count}` : "0 \#
        jobs"}</span>
                <button id="next" ${last < jobs.total_count ? "" : "disabled"}>Next ›</button></div>
              <div class="grid2">
                <div><h2>Schedulers</h2>${table(data.schedulers, ["scheduler_type", "name", "account", "partition", \#
        "walltime", "nodes"].filter(c => data.schedulers.some(s => s[c] !== undefined)))}</div>
                <div><h2>Resource requirements <span \#
        class="muted">(${data.resource_requirements.total_count})</span></h2>${table(data.resource_requirements.items,\#
         ["name", "num_cpus", "memory", "runtime", "num_gpus", "num_nodes"])}</div>
              </div>
              <h2>Files <span class="muted">(${data.files.total_count})</span></h2>${table(data.files.items, ["name", \#
        "path", "st_mtime"])}`;
            wire();
            if (focused) { const input = document.getElementById("namefilter"); input.focus(); \#
        input.setSelectionRange(input.value.length, input.value.length); }
          };
          const wire = () => {
            document.querySelectorAll("#counts .count").forEach(el => el.addEventListener("click", () => { \#
        state.status = el.dataset.status; state.skip = 0; load().catch(showError); }));
            document.getElementById("statusfilter").addEventListener("change", e => { state.status = e.target.value; \#
        state.skip = 0; load().catch(showError); });
            let debounce = null;
            document.getElementById("namefilter").addEventListener("input", e => {
              clearTimeout(debounce);
              debounce = setTimeout(() => { state.name = e.target.value; state.skip = 0; load().catch(showError); }, \#
        300);
            });
            document.getElementById("prev").addEventListener("click", () => { state.skip = Math.max(0, state.skip - \#
        state.limit); load().catch(showError); });
            document.getElementById("next").addEventListener("click", () => { state.skip += state.limit; \#
        load().catch(showError); });
            document.querySelectorAll("button[data-action]").forEach(b => b.addEventListener("click", async () => {
              if (!confirm(`${b.dataset.action.replace("_", " ")} this workflow?`)) return;
              try { await api(`/${enc(db)}/workflows/${enc(key)}/actions/${b.dataset.action}`, { method: "POST" }); \#
        await load(); }
              catch (e) { alert(e.message); }
            }));
          };
          poll(load);
        }

        // ---------- dependency graph ----------
        function viewGraph(db, key) {
          const base = `/dashboard/${enc(db)}/workflows/${enc(key)}`;
          setCrumbs([[db, `/dashboard/${enc(db)}`], [key, base], ["graph", null]]);
          const params = new URLSearchParams(location.search);
          const maxNodes = params.get("max_nodes") || "";
          poll(async () => {
            const g = await api(`/${enc(db)}/workflows/${enc(key)}/graph${maxNodes ? "?max_nodes=" + enc(maxNodes) : \#
        ""}`);
            const head = `<h1>Dependency graph</h1><p class="muted">${g.job_count} jobs, left to right by stage (the \#
        longest chain of <code>blocks</code> edges before a job). ${g.mode === "grouped" ? "Too many jobs to draw one \#
        by one: each box is the jobs of one stage in one status." : "Click a job for its details."}</p>${legend()}`;
            app.innerHTML = head + `<div class="graph" id="graph">${g.mode === "full" ? fullGraph(g, base) : \#
        groupedGraph(g)}</div>`;
          });
        }
        function fullGraph(g, base) {
          const colW = 190, rowH = 34, nodeW = 150, nodeH = 24, pad = 30;
          const rows = [];
          g.nodes.forEach((n, i) => { (rows[n.stage] = rows[n.stage] || []).push(i); });
          const pos = new Array(g.nodes.length);
          let maxRows = 0;
          rows.forEach((list, stage) => { (list || []).forEach((i, r) => { pos[i] = [pad + stage * colW, pad + 20 + r \#
        * rowH]; }); maxRows = Math.max(maxRows, (list || []).length); });
          const width = pad * 2 + rows.length * colW, height = pad * 2 + 20 + maxRows * rowH;
          const labels = rows.map((_, s) => `<text class="stage-label" x="${pad + s * colW}" y="${pad}">stage \#
        ${s}</text>`).join("");
          const edges = g.edges.map(([a, b]) => {
            const [x1, y1] = pos[a], [x2, y2] = pos[b];
            const sx = x1 + nodeW, sy = y1 + nodeH / 2, tx = x2, ty = y2 + nodeH / 2, mx = (sx + tx) / 2;
            return `<path class="edge" data-from="${esc(g.nodes[a].key)}" data-to="${esc(g.nodes[b].key)}" \#
        d="M${sx},${sy} C${mx},${sy} ${mx},${ty} ${tx},${ty}" marker-end="url(#arrow)"/>`;
          }).join("");
          const nodes = g.nodes.map((n, i) => {
            const [x, y] = pos[i];
            const label = String(n.name).length > 22 ? String(n.name).slice(0, 21) + "…" : n.name;
            return `<a href="${base}/jobs/${enc(n.key)}"><g class="node" data-key="${esc(n.key)}" \#
        data-status="${esc(n.status)}"><title>${esc(n.name)} (${esc(n.status)})</title><rect x="${x}" y="${y}" \#
        width="${nodeW}" height="${nodeH}" rx="5" style="fill:${colour(n.status)}"/><text x="${x + 8}" y="${y + \#
        16}">${esc(label)}</text></g></a>`;
          }).join("");
          return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><marker \#
        id="arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 \#
        L8,4 L0,8 z" fill="#9aa5b4"/></marker></defs>${labels}${edges}${nodes}</svg>`;
        }
        function groupedGraph(g) {
          const colW = 200, boxW = 160, pad = 30, unit = 26;
          let height = 0;
          const boxes = [], stageMid = [];
          g.stages.forEach(st => {
            let y = pad + 24;
            const x = pad + st.stage * colW;
            STATUSES.concat(Object.keys(st.counts).filter(s => !STATUSES.includes(s))).forEach(s => {
              const n = st.counts[s];
              if (!n) return;
              boxes.push(`<g class="group" data-stage="${st.stage}" data-status="${esc(s)}" \#
        data-count="${n}"><title>stage ${st.stage}: ${n} ${esc(s)}</title><rect x="${x}" y="${y}" width="${boxW}" \#
        height="${unit}" rx="5" style="fill:${colour(s)}"/><text x="${x + 8}" y="${y + 17}">${n.toLocaleString()} \#
        ${esc(s)}</text></g>`);
              y += unit + 6;
            });
            stageMid[st.stage] = [x, (pad + 24 + y) / 2];
            height = Math.max(height, y);
          });
          const edges = g.stage_edges.map(e => {
            const [x1, y1] = stageMid[e.from], [x2, y2] = stageMid[e.to];
            const sx = x1 + boxW, tx = x2, mx = (sx + tx) / 2;
            return `<path class="edge" data-from-stage="${e.from}" data-to-stage="${e.to}" d="M${sx},${y1} \#
        C${mx},${y1} ${mx},${y2} ${tx},${y2}" style="stroke-width:${Math.min(8, 1 + \#
        Math.log10(e.count))}"><title>${e.count} edges</title></path><text x="${mx - 10}" y="${(y1 + y2) / 2 - \#
        4}">${e.count.toLocaleString()}</text>`;
          }).join("");
          const labels = g.stages.map(st => `<text class="stage-label" x="${pad + st.stage * colW}" y="${pad}">stage \#
        ${st.stage} · ${st.job_count.toLocaleString()} jobs</text>`).join("");
          return `<svg xmlns="http://www.w3.org/2000/svg" width="${pad * 2 + g.stages.length * colW}" \#
        height="${height + pad}">${labels}${edges}${boxes.join("")}</svg>`;
        }

        // ---------- one job ----------
        function viewJob(db, wkey, key) {
          const base = `/dashboard/${enc(db)}/workflows/${enc(wkey)}`;
          poll(async () => {
            const d = await api(`/${enc(db)}/workflows/${enc(wkey)}/jobs/${enc(key)}`);
            const j = d.job;
            setCrumbs([[db, `/dashboard/${enc(db)}`], [wkey, base], [j.name || j._key, null]]);
            const kv = obj => `<dl class="kv">${Object.keys(obj).filter(k => !k.startsWith("_")).map(k => \#
        `<dt>${esc(k)}</dt><dd>${esc(typeof obj[k] === "object" ? JSON.stringify(obj[k]) : \#
        obj[k])}</dd>`).join("")}</dl>`;
            const results = d.results.length ? `<table id="results"><thead><tr><th>Run</th><th>Return \#
        code</th><th>Status</th><th>Exec time</th><th>Completed</th></tr></thead><tbody>${d.results.map(r => \#
        `<tr><td>${esc(r.run_id)}</td><td class="rc${r.return_code ? " failed" : \#
        ""}">${esc(r.return_code)}</td><td>${badge(r.status)}</td><td>${fmtSeconds(typeof r.exec_time_minutes === \#
        "number" ? r.exec_time_minutes * 60 : \#
        undefined)}</td><td>${fmtTime(r.completion_time)}</td></tr>`).join("")}</tbody></table>` : '<p \#
        class="muted">No results yet.</p>';
            const files = list => list.length ? `<ul>${list.map(f => `<li><code>${esc(f.path || f.name)}</code> <span \#
        class="muted">${esc(f.name)}</span></li>`).join("")}</ul>` : '<p class="muted">None.</p>';
            const events = d.events.length ? \#
        `<table><thead><tr><th>Time</th><th>Category</th><th>Type</th><th>Message</th></tr></thead><tbody>${d.events.m\#
        ap(e => `<tr><td>${fmtTime(e.timestamp)}</td><td>${esc(e.category)}</td><td>${esc(e.type)}</td><td>${esc(e.mes\#
        sage)}</td></tr>`).join("")}</tbody></table>` : '<p class="muted">No events.</p>';
            const latest = d.results[d.results.length - 1];
            const failedTag = latest && latest.return_code ? `<span class="tag failed">failed: return code \#
        ${esc(latest.return_code)}</span>` : "";
            app.innerHTML = `<h1>${esc(j.name || j._key)} ${badge(j.status)} ${failedTag}</h1><p class="muted">job \#
        ${esc(j._key)} of workflow <a href="${base}">${esc(wkey)}</a></p>
              <div class="panel"><h2 style="margin-top:0">Command</h2><pre id="command">${esc(j.command)}</pre></div>
              <div class="grid2">
                <div class="panel"><h2 style="margin-top:0">Job</h2>${kv(j)}</div>
                <div class="panel"><h2 style="margin-top:0">Resource requirements</h2>${d.resource_requirements ? \#
        kv(d.resource_requirements) : '<p class="muted">Defaults.</p>'}
                  <h2>Blocked by</h2>${d.blocked_by.length ? `<ul>${d.blocked_by.map(b => `<li><a \#
        href="${base}/jobs/${enc(b.key)}">${esc(b.name || b.key)}</a> ${badge(b.status)}</li>`).join("")}</ul>` : '<p \#
        class="muted">Nothing.</p>'}</div>
              </div>
              <h2>Results</h2>${results}
              <h2>Process statistics</h2><div class="panel" id="stats">${statsPlot(d.process_stats)}</div>
              <div class="grid2"><div><h2>Input files</h2>${files(d.input_files)}</div><div><h2>Output \#
        files</h2>${files(d.output_files)}</div></div>
              <h2>User data</h2>${d.user_data.length ? d.user_data.map(u => `<pre \#
        class="userdata">${esc(JSON.stringify(Object.fromEntries(Object.entries(u).filter(([k]) => \#
        !k.startsWith("_"))), null, 2))}</pre>`).join("<br>") : '<p class="muted">None.</p>'}
              <h2>Events</h2>${events}`;
          });
        }
        /// CPU and memory over the job's statistics records (one point per record, in run order).
        function statsPlot(stats) {
          if (!stats.length) return '<p class="muted">No process statistics were collected for this job.</p>';
          const numeric = k => stats.some(s => typeof s[k] === "number");
          const keys = Object.keys(Object.assign({}, ...stats));
          const cpu = keys.filter(k => /cpu/i.test(k) && numeric(k));
          const mem = keys.filter(k => /mem|rss/i.test(k) && numeric(k));
          const chart = (series, title, unit, scale) => {
            if (!series.length) return "";
            const W = 520, H = 200, L = 56, B = 26, palette = ["#2f6fde", "#d64545", "#3aa66a", "#f0a43a"];
            const values = series.flatMap(k => stats.map(s => (s[k] || 0) * scale));
            const max = Math.max(1e-9, ...values);
            const x = i => L + (stats.length === 1 ? (W - L - 40) / 2 : i * (W - L - 40) / (stats.length - 1));
            const y = v => H - B - (v / max) * (H - B - 14);
            const lines = series.map((k, n) => `<polyline fill="none" stroke="${palette[n % 4]}" stroke-width="2" \#
        points="${stats.map((s, i) => `${x(i).toFixed(1)},${y((s[k] || 0) * scale).toFixed(1)}`).join(" ")}"/>` + \#
        stats.map((s, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y((s[k] || 0) * scale).toFixed(1)}" r="3" \#
        fill="${palette[n % 4]}"><title>${esc(k)}: ${((s[k] || 0) * scale).toFixed(2)} \#
        ${unit}</title></circle>`).join("")).join("");
            const axis = `<line x1="${L}" y1="${H - B}" x2="${W - 5}" y2="${H - B}" stroke="#ccc"/><line x1="${L}" \#
        y1="8" x2="${L}" y2="${H - B}" stroke="#ccc"/><text x="4" y="16" font-size="11">${max.toFixed(1)} \#
        ${unit}</text><text x="${L - 10}" y="${H - B}" font-size="11">0</text>` + stats.map((s, i) => `<text \#
        x="${x(i) - 10}" y="${H - 8}" font-size="10">${esc(s.run_id !== undefined ? "run " + s.run_id : i + \#
        1)}</text>`).join("");
            const key = series.map((k, n) => `<span><i style="background:${palette[n % \#
        4]}"></i>${esc(k)}</span>`).join("");
            return `<div><b>${title}</b><div class="legend">${key}</div><svg class="plot" width="${W}" \#
        height="${H}">${axis}${lines}</svg></div>`;
          };
          const memScale = mem.some(k => /bytes|rss/i.test(k)) ? 1 / (1024 * 1024 * 1024) : 1;
          return `<div class="grid2">${chart(cpu, "CPU", "%", 1)}${chart(mem, "Memory", "GiB", memScale)}</div>`;
        }

        // ---------- routing ----------
        async function main() {
          try { config = await api("/config"); } catch (e) { /* read-only by default */ }
          const parts = location.pathname.split("/").filter(Boolean).map(decodeURIComponent);
          try {
            if (parts[0] !== "dashboard" || parts.length === 1) return viewHome();
            const db = parts[1];
            if (parts.length === 2) return viewWorkflows(db);
            if (parts[2] === "workflows" && parts.length === 4) return viewWorkflow(db, parts[3]);
            if (parts[2] === "workflows" && parts.length === 5 && parts[4] === "graph") return viewGraph(db, parts[3]);
            if (parts[2] === "workflows" && parts.length === 6 && parts[4] === "jobs") return viewJob(db, parts[3], \#
        parts[5]);
            showError("Unknown page " + location.pathname);
          } catch (e) { showError(e); }
        }
        main();
        """#
}
