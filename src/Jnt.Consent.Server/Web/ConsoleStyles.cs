namespace Jnt.Consent.Server.Web;

/// <summary>The console's one stylesheet, served from the gateway itself: nothing is loaded from elsewhere.</summary>
public static class ConsoleStyles
{
    public const string Css = """
        :root { --ok: #1b6e2b; --ok-bg: #e6f4e9; --no: #a4161a; --no-bg: #fbe9ea; --ink: #1d1d1f; --line: #c8cbd0; --accent: #0b4f8a; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #f5f6f8; }
        header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .6rem 1.2rem; background: #fff; border-bottom: 1px solid var(--line); }
        header .brand { font-weight: 700; color: var(--accent); text-decoration: none; margin-right: auto; }
        header nav a { margin-right: .8rem; }
        header .lang { margin: 0; }
        header .who { margin-right: .5rem; color: #555; }
        main { padding: 1rem 1.2rem 3rem; max-width: 84rem; }
        h1 { font-size: 1.5rem; margin: .4rem 0 1rem; }
        h2 { font-size: 1.15rem; margin: 1.4rem 0 .6rem; }
        a { color: var(--accent); }
        .skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .4rem; }
        .skip:focus { left: .5rem; z-index: 10; }
        :focus-visible { outline: 3px solid #f0a500; outline-offset: 2px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.2rem; }
        .narrow { max-width: 32rem; }
        label { display: block; font-weight: 600; margin: .7rem 0 .2rem; }
        label.inline { display: inline-block; font-weight: normal; margin: .2rem 1rem .2rem 0; }
        input:not([type=checkbox]):not([type=radio]), select, textarea { font: inherit; padding: .35rem .5rem; border: 1px solid #888; border-radius: 4px; width: 100%; max-width: 32rem; }
        fieldset { border: 1px solid var(--line); border-radius: 4px; margin: .7rem 0; }
        fieldset.inline { border: 0; padding: 0; }
        legend { font-weight: 600; }
        button { font: inherit; margin-top: .9rem; padding: .45rem 1.1rem; border: 0; border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
        header button { margin: 0; padding: .25rem .7rem; }
        .logout { display: flex; align-items: center; }
        .row { display: flex; flex-wrap: wrap; gap: 0 1.5rem; }
        .field-error { color: var(--no); font-weight: 600; margin: .25rem 0; }
        [aria-invalid=true] { border-color: var(--no) !important; }
        .error-summary { border: 3px solid var(--no); background: #fff; padding: .4rem 1rem; margin-bottom: 1rem; }
        .error-summary h2 { margin: .4rem 0; color: var(--no); }
        .done { background: var(--ok-bg); border-left: 4px solid var(--ok); padding: .6rem .8rem; }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; background: #fff; }
        th, td { border: 1px solid var(--line); padding: .4rem .5rem; text-align: left; vertical-align: top; }
        caption { text-align: left; padding: .3rem 0; color: #444; }
        table.grid td { min-width: 9.5rem; font-size: .9rem; }
        table.grid td strong { display: block; }
        table.grid td .status { display: block; font-size: .8rem; text-transform: uppercase; letter-spacing: .03em; }
        table.grid td .reason { display: block; }
        td.allowed { background: var(--ok-bg); color: var(--ok); }
        td.suppressed { background: var(--no-bg); color: var(--no); }
        dl.profile { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
        dl.profile dt { font-weight: 600; }
        dl.profile dd { margin: 0; }
        .chart { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: .6rem; margin-bottom: 1rem; }
        .chart svg { max-width: 100%; height: auto; }
        .chart text { font: 12px system-ui, sans-serif; fill: #222; }
        .muted { color: #555; }
        .chart .grid-line { stroke: #e1e3e6; }
        .chart .tick { fill: #555; font-size: 11px; }
        .chart .category { font-weight: 600; }
        .chart .bar.consented, .chart .point.consented { fill: #2e7d32; }
        .chart .bar.objected, .chart .point.objected { fill: #c62828; }
        .chart .line { fill: none; stroke-width: 2.5; }
        .chart .line.consented { stroke: #2e7d32; }
        .chart .line.objected { stroke: #c62828; }
        .legend .key { display: inline-block; width: .9rem; height: .9rem; margin: 0 .3rem 0 1rem; vertical-align: -2px; }
        .legend .key.consented { background: #2e7d32; }
        .legend .key.objected { background: #c62828; }
        td.withheld { color: #666; font-style: italic; }
        table.tallies td { white-space: nowrap; }
        """;
}
