using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Edge.Appliance.Console;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Orienteering;

/// <summary>
/// MeOS's online results protocol (MOP): <c>POST /mop</c>, as MeOS's "Results online" sends it with the format
/// "MeOS Online Protocol XML" and this box's address as the URL. The competition id and password come as the HTTP
/// headers <c>competition</c> and <c>pwd</c>; the body is a MOPComplete or MOPDiff, zipped (a zip archive with one
/// entry) when over 1 KB. The answer is always <c>&lt;MOPStatus status="..."&gt;</c>: OK (stored, or nothing new),
/// BADCMP (not <c>Edge:MopCompetition</c>), BADPWD (not <c>Edge:MopPassword</c>, compared in constant time) or ERROR
/// (unreadable, over the size limit, or the store takes nothing now: MeOS tries again later).
/// </summary>
/// <remarks>
/// Design: the box keeps MeOS's competition as a <see cref="MopCompetition"/> in memory and stores what each accepted
/// payload changes as an IOF XML 3.0 ResultList through <see cref="OrienteeringImport"/>, the one import path: durable
/// before OK is answered, shown, scored, synced and read again at start like any other list, with no MOP-specific log
/// kind. What is stored:
/// <list type="bullet">
/// <item>a MOPComplete: the competition as a Complete list;</item>
/// <item>a MOPDiff: a Delta list of only the competitors whose rendered result it changed or added, and the classes it
/// added (<see cref="MopCompetition.Changes"/>), which <see cref="OrienteeringResults"/> folds over the Complete. A
/// 2,000-competitor push (a MOPComplete and 31 MOPDiffs of 64 items) is thus about one list in the log and over the
/// uplink, not 32 ever longer ones, and a diff of one competitor is one row, not the whole list again;</item>
/// <item>a Complete list instead when a Delta cannot say it (a competitor deleted or moved to another class, a class
/// renamed, removed or reordered, the event's name or date changed), and when the Deltas since the last Complete hold
/// more rows than the competition has competitors, so that reading the results again never folds more than about two
/// lists' worth;</item>
/// <item>nothing when the diff changes nothing shown (answered OK): MeOS resending a diff it was not answered for (it
/// marks a diff sent only after OK) is harmless.</item>
/// </list>
/// Every list is stamped <c>max(now, newest shown + 1 ms)</c> (createTime is kept to the millisecond), so that a Delta is
/// always newer than the Complete and the Deltas it follows: two payloads in one millisecond, or a clock stepped back
/// at start (a Pi has no battery-backed clock), still fold in order. The state a diff applies to is the one kept when
/// the list shown is still the one last stored here; otherwise (a restart, another list imported since) it is taken
/// back from the list shown, the Complete with its Deltas folded in, when MOP built it (<see cref="MopCompetition.FromList"/>).
/// When the list shown is not MOP's (a file imported after the push, say), a MOPDiff does not replace it: its
/// competitors are stored as a Delta over it (<see cref="MopCompetition.ToIofDeltaOver"/>), every other competitor
/// stays shown, and a competitor it deletes or moves stays as shown until MeOS's next full push (a MOPComplete),
/// which replaces the list as any Complete does. A refused payload (ERROR, or the store taking nothing) changes no state.
/// </remarks>
public sealed partial class MopEndpoint(
    OrienteeringImport import, OrienteeringResults results, IOptions<MopOptions> options, TimeProvider clock, ILogger<MopEndpoint> logger)
{
    private readonly SemaphoreSlim _one = new(1, 1);

    /// <summary>The competition as last applied, and the merged list shown then: it counts while that list is still shown.</summary>
    private MopCompetition? _state;
    private IofResultList? _basis;
    private long _lastStampMs = long.MinValue;

    /// <summary>Applies one request's payload; returns the MOP status word to answer.</summary>
    public async Task<string> HandleAsync(string? competition, string? password, byte[] body, CancellationToken ct)
    {
        var o = options.Value;
        if (o.MopCompetition <= 0 || !int.TryParse(competition?.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var id)
            || id != o.MopCompetition)
        {
            LogRefused("BADCMP", competition ?? "(none)");
            return "BADCMP";
        }

        if (!SamePassword(password ?? "", o.MopPassword ?? ""))
        {
            LogRefused("BADPWD", competition);
            return "BADPWD";
        }

        await _one.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var current = results.Current;
            Plan plan;
            try
            {
                var xml = MopCompetition.Unpack(body, import.MaxBytes);
                var root = MopCompetition.Read(xml, import.MaxBytes);
                plan = Prepare(root, current);
            }
            catch (MopFormatException e)
            {
                LogUnread(e.Message);
                return "ERROR";
            }

            if (plan.Text is null)
            {
                if (plan.Ours)
                {
                    _state = plan.Next;
                    _basis = current.List;
                }

                LogApplied(plan.Next.ShownCount, plan.Next.Classes.Count, plan.What);
                return "OK";
            }

            try
            {
                var done = await import.ImportAsync(Encoding.UTF8.GetBytes(plan.Text), "MeOS online (competition " + id + ")", ct).ConfigureAwait(false);
                _lastStampMs = Math.Max(_lastStampMs, plan.StampMs);
                // The state counts while the list shown is the one just stored (no other import came in between).
                var now = results.Current;
                var shownOurs = plan.Ours && done.Shown && (!done.Stored || (now.Lists.Count > 0 && now.Lists[^1].LogId == done.LogId));
                (_state, _basis) = shownOurs ? (plan.Next, now.List) : (null, null);
                LogApplied(plan.Next.ShownCount, plan.Next.Classes.Count, done.Stored ? plan.What : "no result changed");
                return "OK";
            }
            catch (Exception e) when (e is IofParseException or InvalidOperationException)
            {
                LogUnread(e.Message);
                return "ERROR";
            }
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>
    /// What to store for <paramref name="root"/> given the results shown now: the list's text (null: nothing), the
    /// state after, and whether that state is the list shown once stored (false for a Delta over a list not MOP's).
    /// </summary>
    private Plan Prepare(XElement root, OrienteeringState current)
    {
        var stamp = Stamp(current);
        var createTime = DateTimeOffset.FromUnixTimeMilliseconds(stamp);
        var shown = current.List;
        if (root.Name.LocalName == "MOPComplete")
        {
            var complete = MopCompetition.Empty.Apply(root);
            return new Plan(complete, complete.ToIofXml(createTime), stamp, true, "a Complete list stored");
        }

        var before = _state is not null && ReferenceEquals(_basis, shown) ? _state
            : shown is null ? MopCompetition.Empty
            : MopCompetition.FromList(shown);
        if (before is null)
        {
            // The list shown is not MOP's: the diff's competitors go over it, and the rest of it stays shown.
            var over = MopCompetition.Seed(shown).Apply(root);
            var text = over.ToIofDeltaOver(shown!, MopCompetition.Named(root), createTime, out var rows, out var left);
            if (left > 0)
            {
                LogLeftOut(left);
            }

            return new Plan(over, text, stamp, false, text is null ? "no result changed" : $"a Delta of {rows} competitors over a list not built from MOP stored");
        }

        var next = before.Apply(root);
        var changes = before.Changes(next);
        if (changes.None)
        {
            return new Plan(next, null, stamp, true, "no result changed");
        }

        var replay = DeltaRows(current);
        var because = changes.CompleteBecause
            ?? (replay + changes.Competitors.Count > next.ShownCount ? $"the Deltas since the last Complete would hold {replay + changes.Competitors.Count} rows, more than its {next.ShownCount} competitors" : null);
        if (because is not null)
        {
            return new Plan(next, next.ToIofXml(createTime), stamp, true, "a Complete list stored, as " + because);
        }

        return new Plan(next, next.ToIofDelta(createTime, changes), stamp, true, $"a Delta of {changes.Competitors.Count} competitors stored");
    }

    /// <summary>
    /// The createTime (Unix milliseconds) of the next list: now, but at least one millisecond after the newest list
    /// shown (the fold orders by createTime, which is kept to the millisecond) and the last one stored here.
    /// </summary>
    private long Stamp(OrienteeringState current)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var last = Math.Max(_lastStampMs, current.List?.CreateTime?.ToUnixTimeMilliseconds() ?? long.MinValue);
        return last == long.MinValue ? now : Math.Max(now, last + 1);
    }

    /// <summary>The rows of the Delta lists folded over the list shown (as <see cref="OrienteeringResults"/> chooses them).</summary>
    private static int DeltaRows(OrienteeringState current)
    {
        static (long, long) Order(ImportedList l) => (l.CreateTime?.UtcTicks ?? long.MinValue, l.LogId);
        var shown = current.Shown is { } s ? Order(s) : (long.MinValue, long.MinValue);
        return current.Lists.Where(l => l.Status == IofListStatus.Delta && Order(l).CompareTo(shown) > 0).Sum(l => l.Competitors);
    }

    private sealed record Plan(MopCompetition Next, string? Text, long StampMs, bool Ours, string What);

    /// <summary>Equal in time independent of where they differ: both sides hashed to the same length first.</summary>
    internal static bool SamePassword(string given, string expected) =>
        expected.Length > 0 && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));

    public static string Answer(string status) => $"<?xml version=\"1.0\"?><MOPStatus status=\"{status}\"></MOPStatus>";

    public static IEndpointRouteBuilder MapMop(IEndpointRouteBuilder app)
    {
        var maxBody = app.ServiceProvider.GetRequiredService<OrienteeringImport>().MaxBytes;
        // No console session: MeOS proves itself with the competition id and password instead.
        app.MapPost("/mop", PostAsync).AllowAnonymous().WithMetadata(new RequestSizeLimitAttribute(maxBody)).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> PostAsync(HttpContext context, MopEndpoint mop, IOptions<ConsoleOptions> console)
    {
        // As the upload: only from the timer's side of the network (Console:AllowedNetworks).
        if (!Ingest.TimingOptions.Allows(console.Value.Networks(), context.Connection.RemoteIpAddress))
        {
            return TypedResults.Text(Answer("ERROR"), "application/xml", Encoding.UTF8, StatusCodes.Status403Forbidden);
        }

        byte[] body;
        using (var buffer = new MemoryStream())
        {
            await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
            body = buffer.ToArray();
        }

        var status = await mop.HandleAsync(context.Request.Headers["competition"].FirstOrDefault(), context.Request.Headers["pwd"].FirstOrDefault(), body, context.RequestAborted)
            .ConfigureAwait(false);
        return TypedResults.Text(Answer(status), "application/xml", Encoding.UTF8);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MOP push refused ({Status}) for competition {Competition}")]
    private partial void LogRefused(string status, string competition);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MOP payload not taken: {Reason}")]
    private partial void LogUnread(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "MOP payload applied: {Competitors} competitors in {Classes} classes ({What})")]
    private partial void LogApplied(int competitors, int classes, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MOP diff over a list not built from MOP: {Count} competitors left out (deleted, or in a class that list does not have); MeOS's next full push brings them")]
    private partial void LogLeftOut(int count);
}
