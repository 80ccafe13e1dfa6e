/// The dashboard's files, compiled into the binary: no CDN, no third-party code.
enum DashboardAssets {
    struct Asset {
        var body: String
        var contentType: String
    }

    /// `/dashboard/assets/{name}`.
    static func asset(named name: String) -> Asset? {
        switch name {
        case "app.css": return Asset(body: DashboardStyle.css, contentType: "text/css; charset=utf-8")
        case "app.js": return Asset(body: DashboardScript.js, contentType: "text/javascript; charset=utf-8")
        default: return nil
        }
    }

    /// The one page shell; the script draws the view the path names.
    static let page = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>torc dashboard</title>
        <link rel="stylesheet" href="/dashboard/assets/app.css">
        </head>
        <body>
        <header class="top"><a class="brand" href="/">torc</a><nav id="crumbs"></nav>\
        <span id="live" class="live"></span></header>
        <main id="app"><p class="muted">Loading…</p></main>
        <script src="/dashboard/assets/app.js"></script>
        </body>
        </html>
        """
}
