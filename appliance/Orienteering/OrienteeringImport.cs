using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Edge.Appliance.Store;
using Edge.Store;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Orienteering;

/// <summary>A result list read and checked, not yet stored: its bytes' hash, its text as decoded, and what it says.</summary>
public sealed record PreparedList(string Hash, string Text, IofResultList List, int ByteCount)
{
    public int Competitors => List.Classes.Sum(c => c.Persons.Count);
}

/// <summary>What an import did: stored (or already stored: the same bytes came before), and whether the list is the one shown.</summary>
public sealed record ImportOutcome(bool Stored, long LogId, IofListStatus Status, DateTimeOffset? CreateTime, int Classes, int Competitors, bool Shown);

/// <summary>
/// The one way a result list gets into the box, whether from the inbox or an upload. The bytes are read with the
/// parser's bounds (no DTD, size and depth limited); a list that fails is refused with the parser's reason and
/// changes nothing. One that reads is appended to the log whole (kind <see cref="LogKind.ResultList"/>: durable before
/// this returns, synced, in backups), as the text it decodes to, and handed to <see cref="OrienteeringResults"/>. The
/// same bytes twice are stored once (by their SHA-256). Imports run one at a time.
/// </summary>
public sealed partial class OrienteeringImport(
    ReadStore store, OrienteeringResults results, IOptions<OrienteeringOptions> options, ILogger<OrienteeringImport> logger)
{
    /// <summary>Longest source name kept with an entry.</summary>
    public const int MaxSourceLength = 200;

    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly long _maxBytes = options.Value.MaxResultListBytes;

    public long MaxBytes => _maxBytes;

    /// <summary>Reads and checks <paramref name="bytes"/>; throws <see cref="IofParseException"/> with the reason when they are not a result list.</summary>
    public PreparedList Prepare(byte[] bytes)
    {
        if (bytes.Length > _maxBytes)
        {
            throw new IofParseException($"the file is {bytes.Length:N0} bytes, more than the {_maxBytes:N0} a result list may have (Edge:MaxResultListBytes)");
        }

        var parse = new IofParseOptions { MaxCharacters = _maxBytes };
        if (Decode(bytes) is not { } text)
        {
            // The parser on the bytes says what is wrong in its own words (an unknown encoding, a byte that is not text).
            _ = IofResultListParser.Parse(bytes, parse);
            throw new IofParseException("the file's bytes are not text in the encoding it declares");
        }

        // The text is what the log keeps and what a restart reads again: parse exactly that.
        using var reader = new StringReader(text);
        var list = IofResultListParser.Parse(reader, parse);
        return new PreparedList(Convert.ToHexStringLower(SHA256.HashData(bytes)), text, list, bytes.Length);
    }

    /// <summary>Prepares and stores <paramref name="bytes"/> from <paramref name="source"/> (a file name, "upload").</summary>
    public async Task<ImportOutcome> ImportAsync(byte[] bytes, string source, CancellationToken ct) =>
        await StoreAsync(Prepare(bytes), source, ct).ConfigureAwait(false);

    /// <summary>
    /// Appends a prepared list to the open meet's log (unless the same bytes are there already) and shows it when it
    /// is the newest. Throws <see cref="InvalidOperationException"/> when the store takes nothing now.
    /// </summary>
    public async Task<ImportOutcome> StoreAsync(PreparedList prepared, string source, CancellationToken ct)
    {
        await _one.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var list = prepared.List;
            if (results.Find(prepared.Hash) is { } known)
            {
                return new ImportOutcome(false, known, list.Status, list.CreateTime, list.Classes.Count, prepared.Competitors, results.Current.IsShown(known));
            }

            // OE exports on an interval and stamps each export anew: an unchanged list would be megabytes more in the
            // log and over the uplink every minute. Results the same as those shown are not stored again.
            var contentKey = list.Status == IofListStatus.Complete ? ContentKey(prepared.Text) : null;
            if (contentKey is not null && results.ShownWithSameResults(contentKey) is { } same)
            {
                LogUnchanged(source, same);
                return new ImportOutcome(false, same, list.Status, list.CreateTime, list.Classes.Count, prepared.Competitors, true);
            }

            if (!store.IsOpen)
            {
                throw new InvalidOperationException($"The store takes nothing now ({store.Health.Problem ?? store.Health.State.ToString()}).");
            }

            source = source.Length > MaxSourceLength ? source[..MaxSourceLength] : source;
            var meetId = store.Meet.Id;
            var createMs = list.CreateTime?.ToUnixTimeMilliseconds() ?? 0;
            // In parts, so that no entry is more than the sync agent's small heap carries.
            var parts = Split(prepared.Text);
            // One commit: a list is stored whole or not at all.
            var ids = await store.AppendCorrectionsAsync(
                [.. parts.Select((part, i) => (LogKind.ResultList, PartTag(prepared.Hash, i + 1, parts.Count), source, createMs, part))], ct).ConfigureAwait(false);

            var id = ids[^1];
            var shown = results.Add(meetId, new ImportedList(id, prepared.Hash, source, list.Status, list.CreateTime, list.Classes.Count, prepared.Competitors), ids, list, contentKey);
            LogImported(source, list.Status, prepared.Competitors, list.Classes.Count, id, shown ? "shown" : "older than the list shown, kept");
            return new ImportOutcome(true, id, list.Status, list.CreateTime, list.Classes.Count, prepared.Competitors, shown);
        }
        finally
        {
            _one.Release();
        }
    }

    /// <summary>
    /// What a list says apart from when and by what it was made: the SHA-256 of its text with the root element's
    /// <c>createTime</c> and <c>creator</c> left out. Two exports of unchanged results have the same key.
    /// </summary>
    public static string ContentKey(string text)
    {
        var start = text.IndexOf("<ResultList", StringComparison.Ordinal);
        var end = start < 0 ? -1 : text.IndexOf('>', start);
        var root = end < 0 ? "" : StampAttributes().Replace(text[start..end], "");
        var key = end < 0 ? text : string.Concat(text.AsSpan(0, start), root, text.AsSpan(end));
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
    }

    [System.Text.RegularExpressions.GeneratedRegex("""\s(createTime|creator)\s*=\s*("[^"]*"|'[^']*')""")]
    private static partial System.Text.RegularExpressions.Regex StampAttributes();

    /// <summary>
    /// Most characters in one log entry of a list: 64 Ki, so that the sync agent (16 MiB of managed heap, messages of
    /// 64 KiB by default) carries an entry like any other; a 2,000-runner list with splits is about 90 entries, in one commit.
    /// </summary>
    public const int PartChars = 64 * 1024;

    /// <summary>An entry's tag: the SHA-256 of the list's bytes, the part's number and how many parts there are (<c>hash/1/12</c>).</summary>
    public static string PartTag(string hash, int part, int count) => string.Create(CultureInfo.InvariantCulture, $"{hash}/{part}/{count}");

    public static bool ParsePartTag(string tag, out string hash, out int part, out int count)
    {
        var fields = tag.Split('/');
        hash = fields[0];
        part = count = 0;
        return fields.Length == 3 && hash.Length == 64
            && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out part)
            && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out count)
            && part >= 1 && part <= count;
    }

    /// <summary>The text in parts of at most <see cref="PartChars"/>, never splitting a surrogate pair.</summary>
    internal static List<string> Split(string text)
    {
        var parts = new List<string>(text.Length / PartChars + 1);
        var at = 0;
        do
        {
            var length = Math.Min(PartChars, text.Length - at);
            if (at + length < text.Length && char.IsHighSurrogate(text[at + length - 1]))
            {
                length--;
            }

            parts.Add(text.Substring(at, length));
            at += length;
        }
        while (at < text.Length);
        return parts;
    }

    /// <summary>
    /// The document's text as its byte order mark or <c>&lt;?xml encoding=...?&gt;</c> says (UTF-8 when neither does;
    /// OE writes windows-1252), decoded strictly; null when a byte is not text in that encoding or the encoding is unknown.
    /// </summary>
    internal static string? Decode(byte[] bytes)
    {
        Encoding encoding;
        var skip = 0;
        if (bytes is [0xEF, 0xBB, 0xBF, ..])
        {
            (encoding, skip) = (Encoding.UTF8, 3);
        }
        else if (bytes is [0xFF, 0xFE, ..])
        {
            (encoding, skip) = (Encoding.Unicode, 2);
        }
        else if (bytes is [0xFE, 0xFF, ..])
        {
            (encoding, skip) = (Encoding.BigEndianUnicode, 2);
        }
        else
        {
            var head = Encoding.ASCII.GetString(bytes, 0, Math.Min(bytes.Length, 512));
            var name = Declaration().Match(head) is { Success: true } m ? m.Groups[1].Value : "utf-8";
            try
            {
                encoding = Encoding.GetEncoding(name);
            }
            catch (ArgumentException)
            {
                return null;
            }
        }

        var strict = (Encoding)encoding.Clone();
        strict.DecoderFallback = DecoderFallback.ExceptionFallback;
        try
        {
            return strict.GetString(bytes, skip, bytes.Length - skip);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    static OrienteeringImport() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [GeneratedRegex("""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""", RegexOptions.CultureInvariant)]
    private static partial Regex Declaration();

    [LoggerMessage(Level = LogLevel.Information, Message = "Result list from {Source} not stored: its results are those shown already (log id {Id}), only its time stamp is new")]
    private partial void LogUnchanged(string source, long id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Result list from {Source} imported: {Status}, {Competitors} competitors in {Classes} classes, log id {Id} ({Shown})")]
    private partial void LogImported(string source, IofListStatus status, int competitors, int classes, long id, string shown);
}

/// <summary>Words for times and statuses as orienteers read them (IOF lists: h:mm:ss; MP, DNF, DSQ...).</summary>
public static class OrienteeringFormat
{
    /// <summary>Seconds as h:mm:ss (whole seconds, cut, as result lists print them); empty when unknown.</summary>
    public static string Time(double? seconds)
    {
        if (seconds is not { } s || double.IsNaN(s) || s < 0 || s > 100 * 3600)
        {
            return "";
        }

        var whole = (long)Math.Floor(s + 1e-9);
        return string.Create(CultureInfo.InvariantCulture, $"{whole / 3600}:{whole / 60 % 60:00}:{whole % 60:00}");
    }

    /// <summary>A time behind the leader: +m:ss under an hour, +h:mm:ss beyond; empty for the leader or when unknown.</summary>
    public static string Behind(double? seconds)
    {
        if (seconds is not { } s || s < 0.5 || s > 100 * 3600)
        {
            return "";
        }

        var whole = (long)Math.Floor(s + 1e-9);
        return whole < 3600
            ? string.Create(CultureInfo.InvariantCulture, $"+{whole / 60}:{whole % 60:00}")
            : "+" + Time(s);
    }

    public static string Status(IofStatus status) => status switch
    {
        IofStatus.OK => "OK",
        IofStatus.Finished => "Finished",
        IofStatus.MissingPunch => "MP",
        IofStatus.Disqualified => "DSQ",
        IofStatus.DidNotFinish => "DNF",
        IofStatus.Active => "Running",
        IofStatus.Inactive => "Not started",
        IofStatus.OverTime => "OT",
        IofStatus.SportingWithdrawal => "Withdrawn",
        IofStatus.NotCompeting => "NC",
        IofStatus.Moved => "Moved",
        IofStatus.MovedUp => "Moved up",
        IofStatus.DidNotStart => "DNS",
        IofStatus.DidNotEnter => "DNE",
        IofStatus.Cancelled => "Cancelled",
        _ => status.ToString(),
    };

    /// <summary>A score: whole numbers as they are, others to two decimals (awt); empty when none.</summary>
    public static string Score(double? score) => score switch
    {
        null => "",
        { } s when Math.Abs(s - Math.Round(s)) < 1e-9 => Math.Round(s).ToString("0", CultureInfo.InvariantCulture),
        { } s => s.ToString("0.00", CultureInfo.InvariantCulture),
    };
}
