namespace Edge.Appliance.Web;

/// <summary>
/// The shell every phone page and display shares: system fonts, one column, no external resources, no cookies.
/// The main region (<c>#live</c>) is also served alone (<c>?fragment=1</c>); with JavaScript on, a tiny script
/// listens to <c>/events</c> and swaps the fresh fragment in; with JavaScript off the page is plain HTML.
/// </summary>
public static class Layout
{
    public const string PhoneStyle =
        "*{box-sizing:border-box}html{-webkit-text-size-adjust:100%}" +
        "body{margin:0;font:17px/1.4 system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;color:#000;background:#fff}" +
        "header{background:#000;color:#fff;padding:10px 12px}header a{color:#fff;text-decoration:none;font-weight:700;display:inline-block;padding:6px 0}" +
        "main{padding:4px 12px 12px;max-width:760px;margin:0 auto}" +
        "h1{font-size:1.45em;margin:.4em 0 .2em;line-height:1.2}h2{font-size:1.15em;margin:1.1em 0 .4em}" +
        "a{color:#0033a0}p{margin:.5em 0}" +
        "table{width:100%;border-collapse:collapse}td,th{padding:9px 4px;border-bottom:1px solid #bbb;text-align:left;vertical-align:top;overflow-wrap:anywhere}" +
        "th{font-size:.8em;text-transform:uppercase;color:#333}" +
        ".r{text-align:right;white-space:nowrap}.s{color:#333;font-size:.85em}.s.w{color:#fff}.n{white-space:nowrap}" +
        ".h{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}td.nm{width:100%;max-width:0}" +
        "td a{display:block;font-weight:600;text-decoration:none}" +
        "form{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0}" +
        "input,select,button{font:inherit;min-height:46px;padding:8px 10px;border:2px solid #000;border-radius:6px;background:#fff;color:#000}" +
        "input[type=search]{flex:1 1 160px;min-width:0}select{flex:1 1 130px;min-width:0}button{background:#000;color:#fff;font-weight:700}" +
        ".list{list-style:none;padding:0;margin:0}.list li{border-bottom:1px solid #bbb}" +
        ".list a{display:block;padding:11px 2px;text-decoration:none;color:#000}.list b{color:#0033a0}" +
        ".pager{display:flex;justify-content:space-between;align-items:center;gap:8px;margin:14px 0}" +
        ".pager a{padding:11px 16px;border:2px solid #000;border-radius:6px;text-decoration:none;color:#000;font-weight:700}" +
        ".big{font-size:2.1em;font-weight:800;line-height:1.1}.st{font-size:1.2em;font-weight:700}" +
        ".kv td:first-child{color:#333}.kv td:last-child{text-align:right;font-weight:600}" +
        ".live{font-size:.85em;color:#333}" +
        ".note{font-size:.9em;background:#fff4c2;border:2px solid #000;padding:8px 10px;margin:16px 0 8px;border-radius:6px}" +
        "footer{padding:0 12px 24px;max-width:760px;margin:0 auto}" +
        ".portal{display:none}#" + BoxAddress.PortalMarker + ":target~footer .portal{display:block}";

    /// <summary>
    /// The displays' stylesheet: sizes in a unit (<c>--u</c>) that is a hundredth of the largest 16:9 box the viewport
    /// holds, so a layout fills a 16:9 screen and fits whole on any other (a 4:3 TV, a phone held upright, where it
    /// takes the top of the screen); rows one line high (or a fixed few), cells that cut long text with an ellipsis
    /// instead of wrapping, so a page's row count always fits.
    /// </summary>
    public const string DisplayStyle =
        ":root{--u:min(1vh,.5625vw)}*{box-sizing:border-box}html{-webkit-text-size-adjust:100%;text-size-adjust:100%}html,body{margin:0;height:100%;background:#000;color:#fff;overflow:hidden}" +
        "body{font:700 calc(4.6*var(--u))/1.2 system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,sans-serif;padding:calc(1.5*var(--u)) calc(3.56*var(--u))}" +
        "h1{font-size:calc(6*var(--u));margin:0 0 calc(1*var(--u));text-transform:uppercase;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}" +
        "h2{font-size:calc(4.6*var(--u));margin:calc(1*var(--u)) 0 calc(.4*var(--u));color:#ffd84d}" +
        "table{width:100%;border-collapse:collapse;table-layout:fixed}" +
        "td,th{padding:calc(.5*var(--u)) calc(1.42*var(--u));border-bottom:2px solid #555;vertical-align:baseline;text-align:left;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}" +
        "th{font-size:calc(2.6*var(--u));color:#ddd;text-transform:uppercase;border-bottom-color:#999}" +
        ".huge td{font-size:calc(4.8*var(--u));font-weight:800}.board td{font-size:calc(4.4*var(--u))}.ann td{font-size:calc(4.4*var(--u))}.ann .k{display:block;font-size:calc(2.4*var(--u));line-height:1.3;margin:0}.l2{display:block;font-size:calc(2.6*var(--u));line-height:1.3;color:#ddd;overflow:hidden;text-overflow:ellipsis}.huge td.o,.board td.o{font-size:calc(3*var(--u));color:#ddd}" +
        ".r{text-align:right;white-space:nowrap}.s{color:#ddd;font-size:.62em}.note{color:#ffd84d}" +
        ".k{color:#bbb;font-size:.5em;text-transform:uppercase;letter-spacing:.04em;margin-right:.5em;vertical-align:middle}.s .k{font-size:.8em}" +
        ".w7{width:7%}.w9{width:9%}.w10{width:10%}.w14{width:14%}.w16{width:16%}.w17{width:17%}.w20{width:20%}.w24{width:24%}.w30{width:30%}.w40{width:40%}" +
        ".sum{font-size:calc(3*var(--u));color:#ddd;margin:0 0 calc(1*var(--u));white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.sum b{color:#fff}.count{color:#fff;font-size:1.3em}" +
        ".top{display:flex;justify-content:space-between;align-items:center;gap:calc(3.56*var(--u))}.top h1{margin:0}" +
        ".clock{font-size:calc(11*var(--u));font-weight:800;line-height:1;white-space:nowrap;font-variant-numeric:tabular-nums}.clock .k{font-size:.25em}" +
        ".lbl{font-size:calc(3.6*var(--u));color:#ddd;margin:calc(1*var(--u)) 0 0}.none{font-size:calc(4.6*var(--u));color:#ddd}" +
        ".msg{font-size:calc(7*var(--u));line-height:1.25;white-space:pre-line;overflow-wrap:anywhere}.msg.m2{font-size:calc(5.2*var(--u))}.msg.m3{font-size:calc(4*var(--u))}.split{display:flex;gap:calc(3.56*var(--u))}.half{flex:1 1 0;min-width:0;--u:min(1vh,.28vw)}@media (max-aspect-ratio:1/1){.split{flex-direction:column}.half{--u:min(.5vh,.5625vw)}}" +
        ".logo{float:right;height:calc(8*var(--u));margin-left:calc(3.56*var(--u))}.sponsor{position:fixed;left:calc(3.56*var(--u));bottom:calc(1.5*var(--u));height:calc(10*var(--u))}" +
        "#off{position:fixed;right:calc(1.78*var(--u));bottom:calc(1*var(--u));margin:0;font-size:calc(2.4*var(--u));background:#a00000;color:#fff;padding:calc(.3*var(--u)) calc(1.42*var(--u));border-radius:calc(.5*var(--u))}#off[hidden]{display:none}";

    /// <summary>
    /// A phone page's script: opens an EventSource and, on each change, fetches the main region as a fragment
    /// (revalidated by its ETag, so an unchanged one costs no body) and swaps it in when it differs; one fetch at a
    /// time, and a change during a fetch fetches once more after it. Reconnects by itself (the browser's EventSource
    /// does; a closed one is reopened after 5 s) and fetches again once the stream is back.
    /// </summary>
    public const string LiveScript =
        "(function(d,w){var m=d.getElementById('live');if(!m||!w.EventSource||!w.fetch)return;" +
        "var s=m.getAttribute('data-src'),b=0,a=0,h=0,L='';" +
        "function l(){if(b){a=1;return}b=1;fetch(s+(s.indexOf('?')<0?'?':'&')+'fragment=1',{cache:'no-cache'})" +
        ".then(function(r){if(r.ok)return r.text()}).then(function(t){if(t!=null&&t!=L){L=t;m.innerHTML=t}})" +
        ".catch(function(){}).then(function(){b=0;if(a){a=0;l()}})}" +
        "function o(){var e=new EventSource(m.getAttribute('data-events'));e.addEventListener('change',l);" +
        "e.onopen=function(){if(h)l();h=1};e.onerror=function(){if(e.readyState==2){e.close();setTimeout(o,5000)}}}o()})(document,window)";

    /// <summary>
    /// A screen's script: its stream sends each new main region (<c>screen</c>: the box's time on the first line, then
    /// the fragment), a new style sheet (<c>style</c>), or that the display is gone (<c>gone</c>). The browser's
    /// EventSource reconnects by itself (a closed one is reopened after 5 s), and the box sends what is current at
    /// once; while the stream is down the screen shows its <c>#off</c> mark. A <c>#clock</c> element ticks every
    /// quarter second on the box's time (a whole page's <c>data-at</c>, then each event's), in the meet's
    /// <c>data-offset</c>, whatever the screen's own clock says.
    /// </summary>
    public const string ScreenScript =
        "(function(d,w){var m=d.getElementById('live');if(!m||!w.EventSource)return;" +
        "var x=d.getElementById('off'),j=d.getElementById('style'),z=0,y=0;function i(o){if(x)x.hidden=o}" +
        "function o(){var e=new EventSource(m.getAttribute('data-events'));" +
        "e.addEventListener('screen',function(v){var t=v.data,n=t.indexOf('\\n');z=+t.slice(0,n)-Date.now();m.innerHTML=t.slice(n+1);k()});" +
        "e.addEventListener('style',function(v){if(j&&j.getAttribute('href')!=v.data)j.setAttribute('href',v.data)});" +
        "e.addEventListener('gone',function(){m.innerHTML='<p class=\"none\">This display was switched off.</p>'});" +
        "e.onopen=function(){i(true)};e.onerror=function(){i(false);if(e.readyState==2){e.close();setTimeout(o,5000)}}}o();" +
        "function k(){var e=d.getElementById('clock');if(!e)return;var t=+e.getAttribute('data-at');" +
        "if(t){z=t-Date.now();e.removeAttribute('data-at')}y=+e.getAttribute('data-offset')||0;" +
        "var q=new Date(Date.now()+z+y),f=function(x){return(x<10?'0':'')+x};" +
        "e.textContent=f(q.getUTCHours())+':'+f(q.getUTCMinutes())+':'+f(q.getUTCSeconds())}k();setInterval(k,250)})(document,window)";

    /// <summary>The head of a phone page and its header bar, whose link goes to <paramref name="home"/> (the results' home page).</summary>
    public static void PhoneHead(Html html, string title, string eventName, string home = "/")
    {
        html.Add($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        html.Add($"<title>{title}</title><style>{new Markup(PhoneStyle)}</style></head><body><span id=\"{BoxAddress.PortalMarker}\"></span>");
        html.Add($"<header><a href=\"{home}\">{eventName}</a> <span class=\"s w\">· live results</span></header><main>");
    }

    /// <summary>
    /// Opens the live region (closed by <see cref="CloseLive"/>). <paramref name="source"/> is the page's own path and query (the fragment is that plus
    /// <c>fragment=1</c>), <paramref name="events"/> the event stream's URL.
    /// </summary>
    public static void OpenLive(Html html, string source, string events, string extraAttributes = "") =>
        html.Add($"<div id=\"live\" data-src=\"{source}\" data-events=\"{events}\"{new Markup(extraAttributes)}>");

    public static void CloseLive(Html html) => html.Raw("</div>");

    /// <summary>
    /// Closes the page: refresh link, the note for the Wi-Fi sign-in window (shown only when the captive portal's
    /// marker is the address's fragment, <see cref="BoxAddress.PortalMarker"/>), the script.
    /// </summary>
    public static void PhoneFoot(Html html, string selfUrl, string homeAddress)
    {
        html.Raw("</main><footer>");
        html.Add($"<p class=\"live\">Updates live. No live updates? <a href=\"{selfUrl}\">Refresh</a></p>");
        html.Add($"<p class=\"note portal\">In the Wi-Fi sign-in window? To keep following, open <b>{homeAddress}</b> in Safari or Chrome (this small window closes when you leave it).</p>");
        html.Add($"</footer><script>{new Markup(LiveScript)}</script></body></html>");
    }

    /// <summary>A short page with a message: 400 for nonsense input, 404 for what does not exist.</summary>
    public static Html Message(string eventName, string title, string message, string home = "/")
    {
        var html = new Html(1024);
        html.Add($"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">");
        html.Add($"<title>{title}</title><style>{new Markup(PhoneStyle)}</style></head><body>");
        html.Add($"<header><a href=\"{home}\">{eventName}</a></header><main><h1>{title}</h1><p>{message}</p><p><a href=\"{home}\">Back to the results home page</a></p></main></body></html>");
        return html;
    }
}
