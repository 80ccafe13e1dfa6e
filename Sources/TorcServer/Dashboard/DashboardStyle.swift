/// The dashboard's style sheet. Status colours are shared by the progress
/// bars, the badges and the graph (`--s-{status}`).
enum DashboardStyle {
    static let css = #"""
        :root {
          --bg: #f5f6f8; --panel: #ffffff; --ink: #1d232b; --muted: #6a7380; --line: #dfe3e8; --accent: #2f6fde;
          --s-uninitialized: #b8bec7; --s-blocked: #8e9aab; --s-ready: #4f9ee8; --s-submitted_pending: #9b7be0;
          --s-submitted: #f0a43a; --s-done: #3aa66a; --s-canceled: #6b6f76; --s-terminated: #d64545;
          --s-disabled: #d9dce1; --s-failed: #d64545; --s-unknown: #c9c9c9;
        }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: \#
        var(--ink); background: var(--bg); }
        a { color: var(--accent); text-decoration: none; }
        a:hover { text-decoration: underline; }
        header.top { display: flex; align-items: center; gap: 16px; padding: 10px 24px; background: #1d2633; color: \#
        #fff; }
        header.top .brand { color: #fff; font-weight: 700; font-size: 18px; letter-spacing: .5px; }
        header.top nav a { color: #c8d6ea; }
        header.top nav span.sep { color: #6d7c91; margin: 0 6px; }
        .live { margin-left: auto; font-size: 12px; color: #9fb0c6; }
        .live.on::before { content: ""; display: inline-block; width: 8px; height: 8px; border-radius: 50%; \#
        background: #3ad17a; margin-right: 6px; }
        main { padding: 20px 24px 40px; max-width: 1400px; margin: 0 auto; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 16px; margin: 24px 0 8px; }
        .muted { color: var(--muted); }
        .panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; \#
        margin-bottom: 16px; }
        table { width: 100%; border-collapse: collapse; background: var(--panel); }
        th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { font-size: 12px; text-transform: uppercase; letter-spacing: .4px; color: var(--muted); background: \#
        #fafbfc; }
        tr:hover td { background: #f8fafd; }
        .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; \#
        color: #fff; background: var(--s-unknown); white-space: nowrap; }
        .badge.s-uninitialized, .badge.s-disabled { color: #333; }
        .progress { display: flex; height: 12px; border-radius: 6px; overflow: hidden; background: #eceff3; \#
        min-width: 160px; }
        .progress span { display: block; height: 100%; }
        .counts { display: flex; flex-wrap: wrap; gap: 10px; }
        .count { min-width: 110px; padding: 8px 12px; border-radius: 8px; background: var(--panel); border: 1px solid \#
        var(--line); border-left: 6px solid var(--s-unknown); cursor: pointer; }
        .count b { display: block; font-size: 20px; }
        .count.active { outline: 2px solid var(--accent); }
        .filters { display: flex; gap: 10px; align-items: center; margin: 8px 0; flex-wrap: wrap; }
        input, select, button { font: inherit; padding: 5px 9px; border: 1px solid var(--line); border-radius: 6px; \#
        background: #fff; }
        button { cursor: pointer; }
        button:disabled { cursor: default; opacity: .5; }
        button.danger { border-color: #e3a3a3; color: #a12a2a; }
        .pager { display: flex; gap: 10px; align-items: center; margin-top: 8px; }
        .grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 16px; }
        dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
        dl.kv dt { color: var(--muted); }
        dl.kv dd { margin: 0; word-break: break-word; }
        pre { background: #0f1720; color: #e3e9f0; padding: 10px 12px; border-radius: 6px; overflow: auto; font-size: \#
        12.5px; margin: 0; }
        code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
        .tag { font-size: 12px; padding: 1px 7px; border-radius: 4px; background: #e9eef6; color: #33527d; \#
        margin-left: 6px; }
        .tag.done { background: #dff3e7; color: #236b43; }
        .tag.canceled { background: #eee; color: #555; }
        .tag.failed { background: #fbe3e3; color: #a12a2a; }
        td.rc.failed { color: #c62828; font-weight: 700; }
        .legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 12px; color: var(--muted); margin: 6px 0 10px; }
        .legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; \#
        vertical-align: -1px; }
        .graph { overflow: auto; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; \#
        max-height: 75vh; }
        .graph svg text { font-size: 11px; fill: #1d232b; pointer-events: none; }
        .graph .node rect { stroke: rgba(0,0,0,.25); stroke-width: 1; cursor: pointer; }
        .graph .node:hover rect { stroke: #000; stroke-width: 2; }
        .graph .edge { fill: none; stroke: #9aa5b4; stroke-width: 1.2; }
        .graph .stage-label { fill: #6a7380; font-size: 12px; font-weight: 600; }
        .error { color: #a12a2a; background: #fdeeee; border: 1px solid #f3c4c4; padding: 10px 12px; border-radius: \#
        6px; }
        .actions { display: flex; gap: 8px; margin-top: 10px; }
        """#
}
