using System.Globalization;
using Edge.Appliance.Web;

namespace Edge.Appliance.Orienteering;

/// <summary>
/// The <c>day</c> parameter of the orienteering pages and API (<c>?day=2</c>): absent, the current day (the
/// highest-numbered day with results, a one-day meet's only day); a number, that day, answered 404 when the results
/// hold no such day; anything else 400. Links carry the day only when the meet has several or the request named one,
/// so a one-day meet's pages link as they always did.
/// </summary>
public static class OrienteeringDayQuery
{
    public const string Name = "day";

    /// <summary>The day asked for; null when the request names none. Throws <see cref="BadInputException"/> for what is not a day number.</summary>
    public static int? Parse(HttpRequest request) =>
        WebInput.Text(request, Name, WebInput.MaxQueryLength) is null ? null : WebInput.Number(request, Name, 1, IofParseOptions.Default.MaxRaceNumber);

    /// <summary>The day asked for (throws <see cref="NotFoundException"/> when there is none), else the current day; null before any results.</summary>
    public static OrienteeringDay? Resolve(OrienteeringState state, int? asked) =>
        asked is { } n ? state.Day(n) ?? throw new NotFoundException(NoSuchDay(n)) : state.CurrentDay;

    /// <summary>The day a live region shows at each refresh: the one asked for, else whatever day is current then.</summary>
    public static OrienteeringDay? Shown(OrienteeringState state, int? asked) => asked is { } n ? state.Day(n) : state.CurrentDay;

    public static string NoSuchDay(int day) => string.Create(CultureInfo.InvariantCulture, $"There is no day {day} in the results.");

    public const string NoOverall = "These results have one day: there are no overall results.";

    /// <summary><c>?day=N</c> for a link to <paramref name="day"/>, or "" when the meet has one day and the request named none.</summary>
    public static string Query(OrienteeringState state, int? asked, int day) =>
        asked is not null || state.IsMultiDay ? string.Create(CultureInfo.InvariantCulture, $"?{Name}={day}") : "";

    /// <summary><c>?day=N</c> when the request named a day, else "": a page's own address, which its live region refreshes from.</summary>
    public static string Self(int? asked) => asked is { } n ? string.Create(CultureInfo.InvariantCulture, $"?{Name}={n}") : "";
}
