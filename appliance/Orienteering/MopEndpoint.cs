using System.Security.Cryptography;
using System.Text;
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
/// Design: the box keeps MeOS's competition as a <see cref="MopCompetition"/> in memory and, after each accepted
/// payload, stores it as an IOF XML 3.0 Complete ResultList through <see cref="OrienteeringImport"/>, the one import
/// path: durable before OK is answered, shown, scored, synced and read again at start like any other list, with no
/// MOP-specific log kind. A payload that changes no result stores nothing (the import's unchanged-results check), so
/// MeOS resending a diff it was not answered for (it marks a diff sent only after OK) is harmless. After a restart the
/// state is taken back from the shown list when MOP built it (<see cref="MopCompetition.FromList"/>).
/// </remarks>
public sealed partial class MopEndpoint(
    OrienteeringImport import, OrienteeringResults results, IOptions<MopOptions> options, TimeProvider clock, ILogger<MopEndpoint> logger)
{
    private readonly SemaphoreSlim _one = new(1, 1);
    private MopCompetition? _state;

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

        MopCompetition next;
        string text;
        await _one.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            try
            {
                var xml = MopCompetition.Unpack(body, import.MaxBytes);
                var root = MopCompetition.Read(xml, import.MaxBytes);
                var state = _state ?? MopCompetition.FromList(results.Current.List) ?? MopCompetition.Empty;
                next = state.Apply(root);
                text = next.ToIofXml(clock.GetUtcNow());
            }
            catch (MopFormatException e)
            {
                LogUnread(e.Message);
                return "ERROR";
            }

            try
            {
                var done = await import.ImportAsync(Encoding.UTF8.GetBytes(text), "MeOS online (competition " + id + ")", ct).ConfigureAwait(false);
                _state = next;
                LogApplied(next.Competitors.Count, next.Classes.Count, done.Stored ? "stored" : "no result changed");
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
}
