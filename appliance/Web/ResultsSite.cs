using Edge.Appliance.Results;

namespace Edge.Appliance.Web;

/// <summary>
/// The results a request's pages show and where their links lead: on the box, its own results at the root; in the
/// cloud, one event's (many boxes merged) under <c>/e/{id}</c>. The phone pages, the JSON API and the live stream
/// ask for it per request (<see cref="Of"/>).
/// </summary>
public sealed class ResultsSite(string basePath, IResultsFeed results, LiveUpdates live)
{
    /// <summary>What every link starts with: empty on the box, <c>/e/{id}</c> in the cloud.</summary>
    public string Base { get; } = basePath;

    public IResultsFeed Results { get; } = results;

    /// <summary>The live stream (<c>{Base}/events</c>) of these results.</summary>
    public LiveUpdates Live { get; } = live;

    /// <summary>The results' home page.</summary>
    public string Home => Base + "/";

    /// <summary>The site the request is for; a request for none (an event the cloud does not know) is answered 404.</summary>
    public static ResultsSite Of(HttpContext context) =>
        context.RequestServices.GetRequiredService<IResultsSites>().Find(context) ?? throw new NotFoundException("There are no results here.");
}

/// <summary>Which <see cref="ResultsSite"/> a request is for.</summary>
public interface IResultsSites
{
    /// <summary>The site, or null when the request names none that exists.</summary>
    ResultsSite? Find(HttpContext context);
}

/// <summary>The box's one site: its own results, at the root.</summary>
public sealed class BoxResultsSite(ResultsService results, LiveUpdates live) : IResultsSites
{
    private readonly ResultsSite _site = new("", results, live);

    public ResultsSite? Find(HttpContext context) => _site;
}
