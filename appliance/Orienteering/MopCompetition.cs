using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Edge.Appliance.Orienteering;

/// <summary>A MOP payload the box does not take; the message says why (logged; MeOS is answered ERROR).</summary>
public sealed class MopFormatException(string message) : Exception(message);

/// <summary>One MeOS competitor as MOP last sent it: times in tenths of a second, <c>st</c> since midnight (-1 unknown).</summary>
public sealed record MopCompetitor(int Id, string Name, int Org, int Cls, int Stat, int St, int Rt, string? Bib, IReadOnlyList<(int Control, int Rt)> Radio);

public sealed record MopClass(int Id, string Name, int Order);

/// <summary>
/// What a MOPDiff changed in the list shown (<see cref="MopCompetition.Changes"/>): the competitors to store again and
/// the classes added, or why only a Complete list says it (<see cref="CompleteBecause"/>).
/// </summary>
public sealed record MopChanges(string? CompleteBecause, IReadOnlyList<MopCompetitor> Competitors, IReadOnlyList<MopClass> NewClasses)
{
    /// <summary>Nothing shown changes: nothing is stored.</summary>
    public bool None => CompleteBecause is null && Competitors.Count == 0 && NewClasses.Count == 0;

    public static MopChanges Complete(string because) => new(because, [], []);
}

/// <summary>
/// The competition as MeOS's online protocol (MOP, namespace <c>http://www.melin.nu/mop</c>) describes it: the event
/// (<c>competition</c>), classes (<c>cls</c>), organisations (<c>org</c>) and competitors (<c>cmp</c>, with
/// <c>base</c> and optional <c>radio</c>). <c>MOPComplete</c> starts it again; <c>MOPDiff</c> replaces the elements it
/// names (a competitor's <c>radio</c> only when sent). MeOS splits one push into chunks (the first a MOPComplete, the
/// rest MOPDiffs), so each chunk is applied in turn. Immutable: <see cref="Apply"/> returns a new state, and the
/// endpoint keeps it only once the list built from it is stored, so a refused payload changes nothing, and applying
/// the same payload twice gives the same state (MeOS resends until it is answered OK). What a diff changed is the
/// difference of the states before and after it (<see cref="Changes"/>), stored as an IOF Delta list
/// (<see cref="ToIofDelta"/>) or, when a Delta cannot say it, a Complete one (<see cref="ToIofXml"/>).
/// </summary>
public sealed record MopCompetition(
    string Name,
    DateOnly? Date,
    IReadOnlyDictionary<int, MopClass> Classes,
    IReadOnlyDictionary<int, string> Organisations,
    IReadOnlyDictionary<int, MopCompetitor> Competitors)
{
    public const string Namespace = "http://www.melin.nu/mop";

    /// <summary>The <c>creator</c> of the lists built here: how a restart knows the shown list came from MOP.</summary>
    public const string Creator = "MeOS online (MOP)";

    private const string Iof = "http://www.orienteering.org/datastandard/3.0";

    /// <summary>Deepest element nesting taken (MOP needs 3: root, cmp, base).</summary>
    public const int MaxDepth = 8;

    public static MopCompetition Empty { get; } = new("", null, new Dictionary<int, MopClass>(), new Dictionary<int, string>(), new Dictionary<int, MopCompetitor>());

    /// <summary>
    /// The payload's XML bytes: the body as sent, or the one entry of the zip archive MeOS sends instead when the XML
    /// is over 1 KB. The zip is read with bounds: exactly one entry, at most <paramref name="maxBytes"/> uncompressed
    /// (counted while reading, not as the archive claims).
    /// </summary>
    public static byte[] Unpack(byte[] body, long maxBytes)
    {
        if (body is not [0x50, 0x4B, 0x03, 0x04, ..])
        {
            return body;
        }

        try
        {
            using var zip = new ZipArchive(new MemoryStream(body, writable: false), ZipArchiveMode.Read);
            if (zip.Entries.Count != 1)
            {
                throw new MopFormatException($"the zip holds {zip.Entries.Count} entries, not the one MeOS sends");
            }

            var entry = zip.Entries[0];
            if (entry.Length > maxBytes)
            {
                throw new MopFormatException($"the zipped payload is {entry.Length:N0} bytes, more than the {maxBytes:N0} taken (Edge:MaxResultListBytes)");
            }

            using var stream = entry.Open();
            using var output = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    throw new MopFormatException($"the zipped payload unpacks to more than the {maxBytes:N0} bytes taken (Edge:MaxResultListBytes)");
                }

                output.Write(buffer, 0, read);
            }

            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new MopFormatException("the zip does not read: " + e.Message);
        }
    }

    /// <summary>
    /// Reads a MOPComplete or MOPDiff: no DTD, nothing fetched, at most <paramref name="maxChars"/> characters and
    /// <see cref="MaxDepth"/> levels. Throws <see cref="MopFormatException"/> with the reason.
    /// </summary>
    public static XElement Read(byte[] xml, long maxChars)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxChars,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            // First pass: the depth bound, before any tree is built.
            using (var check = XmlReader.Create(new MemoryStream(xml, writable: false), settings))
            {
                while (check.Read())
                {
                    if (check.Depth > MaxDepth)
                    {
                        throw new MopFormatException($"the payload nests deeper than {MaxDepth} levels");
                    }
                }
            }

            using var reader = XmlReader.Create(new MemoryStream(xml, writable: false), settings);
            var root = XDocument.Load(reader).Root ?? throw new MopFormatException("the payload has no root element");
            if (root.Name.LocalName is not ("MOPComplete" or "MOPDiff") || (root.Name.NamespaceName.Length > 0 && root.Name.NamespaceName != Namespace))
            {
                throw new MopFormatException($"the root is {root.Name}, not MOPComplete or MOPDiff in {Namespace}");
            }

            return root;
        }
        catch (XmlException e)
        {
            throw new MopFormatException("the payload is not XML MOP can be: " + e.Message);
        }
    }

    /// <summary>This state with <paramref name="root"/> (a MOPComplete starts from nothing, a MOPDiff from this) applied.</summary>
    public MopCompetition Apply(XElement root)
    {
        var complete = root.Name.LocalName == "MOPComplete";
        var name = complete ? "" : Name;
        var date = complete ? null : Date;
        var classes = complete ? new Dictionary<int, MopClass>() : new Dictionary<int, MopClass>(Classes);
        var orgs = complete ? new Dictionary<int, string>() : new Dictionary<int, string>(Organisations);
        var competitors = complete ? new Dictionary<int, MopCompetitor>() : new Dictionary<int, MopCompetitor>(Competitors);
        foreach (var e in root.Elements())
        {
            switch (e.Name.LocalName)
            {
                case "competition":
                    name = e.Value.Trim();
                    date = DateOnly.TryParseExact((string?)e.Attribute("date"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
                    break;
                case "cls":
                    var cls = Id(e);
                    if (Deleted(e))
                    {
                        classes.Remove(cls);
                    }
                    else
                    {
                        classes[cls] = new MopClass(cls, e.Value.Trim(), Int(e, "ord", 0));
                    }

                    break;
                case "org":
                    var org = Id(e);
                    if (Deleted(e))
                    {
                        orgs.Remove(org);
                    }
                    else
                    {
                        orgs[org] = e.Value.Trim();
                    }

                    break;
                case "cmp":
                    var id = Id(e);
                    if (Deleted(e))
                    {
                        competitors.Remove(id);
                        break;
                    }

                    var b = e.Elements().FirstOrDefault(x => x.Name.LocalName == "base") ?? throw new MopFormatException($"competitor {id} has no base element");
                    var radio = e.Elements().FirstOrDefault(x => x.Name.LocalName == "radio") is { } r ? Radio(id, r.Value)
                        : competitors.TryGetValue(id, out var before) ? before.Radio : [];
                    competitors[id] = new MopCompetitor(id, b.Value.Trim(), Int(b, "org", 0), Int(b, "cls", 0), Int(b, "stat", 0), Int(b, "st", -1), Int(b, "rt", 0),
                        ((string?)b.Attribute("bib"))?.Trim() is { Length: > 0 } bib ? bib : null, radio);
                    break;
                default:
                    // ctrl (radio control names), tm (teams): not shown; the splits name controls by their id.
                    break;
            }
        }

        return new MopCompetition(name, date, classes, orgs, competitors);
    }

    /// <summary>The competitors shown: those in a class the state knows (one in an unknown class is in no list).</summary>
    public int ShownCount => Competitors.Values.Count(c => Classes.ContainsKey(c.Cls));

    /// <summary>
    /// The state as an IOF XML 3.0 Complete ResultList (<c>creator</c> <see cref="Creator"/>), which the one import
    /// path stores and shows: the pages, scoring, sync and a restart need nothing MOP-specific. Ids travel as the IOF
    /// ids (class, organisation, person), so <see cref="FromList"/> can take the state back after a restart.
    /// </summary>
    public string ToIofXml(DateTimeOffset createTime)
    {
        XNamespace ns = Iof;
        var byClass = Competitors.Values.ToLookup(c => c.Cls);
        return Write(ns, "Complete", createTime, Ordered(Classes).Select(cls =>
            ClassResult(ns, IofClassOf(cls), byClass[cls.Id].OrderBy(c => c.Id).Select(c => Person(ns, c, personId: true)))));
    }

    /// <summary>
    /// What <paramref name="after"/> (this state with a MOPDiff applied) changes in the list shown, which is this
    /// state's list (a Complete with the Deltas since folded over it, <see cref="OrienteeringResults"/>): the
    /// competitors whose rendered result differs or who are new, and the classes added after the last one. A Delta
    /// can only replace or add a competitor in a class it names by name, so anything else needs a Complete list,
    /// and <see cref="MopChanges.CompleteBecause"/> says why: the event's name or date changed (the fold keeps the
    /// Complete's event, and the date is in every start time), a class was renamed, removed or reordered, two classes
    /// share a name, or a competitor shown was deleted, moved to another class or lost its class. A competitor's
    /// organisation renamed or removed is no such case: every row it shows is rendered anew, so each is in the Delta.
    /// </summary>
    public MopChanges Changes(MopCompetition after)
    {
        if (after.Name != Name || after.Date != Date)
        {
            return MopChanges.Complete("the event's name or date changed");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var cls in after.Classes.Values)
        {
            if (!names.Add(cls.Name))
            {
                return MopChanges.Complete($"two classes are named {cls.Name}");
            }
        }

        var was = Ordered(Classes).ToList();
        var now = Ordered(after.Classes).ToList();
        if (now.Count < was.Count || was.Where((c, i) => now[i].Id != c.Id || now[i].Name != c.Name).Any())
        {
            return MopChanges.Complete("a class was renamed, removed or reordered");
        }

        foreach (var b in Competitors.Values.Where(c => Classes.ContainsKey(c.Cls)))
        {
            if (!after.Competitors.TryGetValue(b.Id, out var c) || !after.Classes.ContainsKey(c.Cls))
            {
                return MopChanges.Complete($"competitor {b.Id} was deleted or lost its class");
            }

            if (c.Cls != b.Cls)
            {
                return MopChanges.Complete($"competitor {b.Id} moved to another class");
            }
        }

        XNamespace ns = Iof;
        var changed = after.Competitors.Values.Where(c => after.Classes.ContainsKey(c.Cls)
            && (!Competitors.TryGetValue(c.Id, out var b) || !Classes.ContainsKey(b.Cls)
                // The same record (a competitor the diff did not name keeps its radio list) and organisation name
                // render the same; anything else is rendered on both sides and compared.
                || !((b.Equals(c) && OrganisationOf(b) == after.OrganisationOf(c))
                    || Person(ns, b, personId: true).ToString(SaveOptions.DisableFormatting) == after.Person(ns, c, personId: true).ToString(SaveOptions.DisableFormatting))))
            .OrderBy(c => c.Id).ToList();
        return new MopChanges(null, changed, now.Skip(was.Count).ToList());
    }

    /// <summary>
    /// <paramref name="changes"/> (from <see cref="Changes"/> on the state before) as an IOF Delta ResultList of this
    /// state: the classes added and those with a competitor changed, in the state's order, each with only those
    /// competitors. <c>creator</c> is <see cref="Creator"/>, as on the Complete lists, and ids travel as there.
    /// </summary>
    public string ToIofDelta(DateTimeOffset createTime, MopChanges changes)
    {
        XNamespace ns = Iof;
        var byClass = changes.Competitors.ToLookup(c => c.Cls);
        var added = changes.NewClasses.Select(c => c.Id).ToHashSet();
        return Write(ns, "Delta", createTime, Ordered(Classes).Where(c => added.Contains(c.Id) || byClass.Contains(c.Id)).Select(cls =>
            ClassResult(ns, IofClassOf(cls), byClass[cls.Id].Select(c => Person(ns, c, personId: true)))));
    }

    /// <summary>
    /// The competitors a MOPDiff named (<paramref name="named"/>, as this state, the diff applied to
    /// <see cref="Seed"/> of <paramref name="shown"/>, has them) as an IOF Delta over a list shown that MOP did not
    /// build (a file imported after the push, or another box's list): never a Complete, which would put the few
    /// competitors the diff names in place of everything shown. Each goes into the class shown with its class's id,
    /// else the one of its class's name; and replaces the row shown with its person id, else the one without an id of
    /// the same name and club (written without an id then, so that the fold matches it by name and club), else is
    /// added. A competitor whose class is known nowhere, or deleted, is left out (counted in <paramref name="left"/>),
    /// as is one whose row reads as the one shown, so a diff sent again stores nothing. Null when no row is left.
    /// </summary>
    public string? ToIofDeltaOver(IofResultList shown, IEnumerable<int> named, DateTimeOffset createTime, out int rows, out int left)
    {
        XNamespace ns = Iof;
        var classes = new List<(IofClass Class, List<XElement> Rows)>();
        rows = left = 0;
        foreach (var id in named.Distinct())
        {
            if (!Competitors.TryGetValue(id, out var c))
            {
                left++;
                continue;
            }

            var known = Classes.GetValueOrDefault(c.Cls);
            var target = shown.Classes.FirstOrDefault(k => k.Class.Id == Text(c.Cls))
                ?? (known is null ? null : shown.Classes.FirstOrDefault(k => string.Equals(k.Class.ShortName ?? k.Class.Name, known.Name, StringComparison.OrdinalIgnoreCase)));
            var cls = target?.Class ?? (known is null ? null : IofClassOf(known));
            if (cls is null)
            {
                left++;
                continue;
            }

            var org = OrganisationOf(c) ?? "";
            var row = target?.Persons.FirstOrDefault(p => p.Person.Id == Text(c.Id))
                ?? target?.Persons.FirstOrDefault(p => string.IsNullOrEmpty(p.Person.Id)
                    && string.Equals(p.Person.Name, c.Name, StringComparison.OrdinalIgnoreCase)
                    && string.Equals(p.Organisation?.Name ?? p.Organisation?.ShortName ?? "", org, StringComparison.OrdinalIgnoreCase));
            var person = Person(ns, c, personId: row is null || !string.IsNullOrEmpty(row.Person.Id));
            if (row is not null && SameRow(row, Read(Write(ns, "Delta", createTime, [ClassResult(ns, cls, [person])])).Classes[0].Persons[0]))
            {
                continue;
            }

            var at = classes.FindIndex(k => k.Class == cls);
            if (at < 0)
            {
                classes.Add((cls, []));
                at = classes.Count - 1;
            }

            classes[at].Rows.Add(person);
            rows++;
        }

        return rows == 0 ? null : Write(ns, "Delta", createTime, classes.Select(k => ClassResult(ns, k.Class, k.Rows)));
    }

    /// <summary>
    /// What a MOPDiff over a list MOP did not build can take from it: the event, and the classes and organisations
    /// with a numeric id (MeOS's own IOF export carries MeOS's ids), none of its competitors.
    /// </summary>
    public static MopCompetition Seed(IofResultList? list)
    {
        if (list is null)
        {
            return Empty;
        }

        var classes = new Dictionary<int, MopClass>();
        var orgs = new Dictionary<int, string>();
        var order = 0;
        foreach (var c in list.Classes)
        {
            if (int.TryParse(c.Class.Id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var cls))
            {
                classes.TryAdd(cls, new MopClass(cls, c.Class.Name, order++));
            }

            foreach (var o in c.Persons.Select(p => p.Organisation).OfType<IofOrganisation>())
            {
                if (int.TryParse(o.Id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var org) && o.Name is { } name)
                {
                    orgs.TryAdd(org, name);
                }
            }
        }

        return new MopCompetition(list.Event.Name, list.Event.Date, classes, orgs, new Dictionary<int, MopCompetitor>());
    }

    /// <summary>The competitor ids a payload names (deleted ones too), in its order.</summary>
    public static IReadOnlyList<int> Named(XElement root) => [.. root.Elements().Where(e => e.Name.LocalName == "cmp").Select(Id)];

    /// <summary>Two rows as read from lists: equal in every field, splits in order.</summary>
    private static bool SameRow(IofPersonResult a, IofPersonResult b)
    {
        IReadOnlyList<IofSplitTime> none = [];
        return a with { Splits = none } == b with { Splits = none } && a.Splits.SequenceEqual(b.Splits);
    }

    private static IofResultList Read(string xml)
    {
        using var reader = new StringReader(xml);
        return IofResultListParser.Parse(reader, new IofParseOptions { MaxCharacters = xml.Length + 1 });
    }

    private static IOrderedEnumerable<MopClass> Ordered(IReadOnlyDictionary<int, MopClass> classes) => classes.Values.OrderBy(c => c.Order).ThenBy(c => c.Id);

    private static IofClass IofClassOf(MopClass cls) => new(Text(cls.Id), cls.Name, null);

    private string? OrganisationOf(MopCompetitor c) => c.Org != 0 && Organisations.TryGetValue(c.Org, out var org) ? org : null;

    private string Write(XNamespace ns, string status, DateTimeOffset createTime, IEnumerable<XElement> classResults)
    {
        var ev = new XElement(ns + "Event", new XElement(ns + "Name", Name.Length > 0 ? Name : "MeOS"));
        if (Date is { } date)
        {
            ev.Add(new XElement(ns + "StartTime", new XElement(ns + "Date", date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));
        }

        var list = new XElement(ns + "ResultList",
            new XAttribute("iofVersion", "3.0"), new XAttribute("status", status),
            new XAttribute("createTime", createTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture)),
            new XAttribute("creator", Creator), ev, classResults);
        var doc = new XDocument(new XDeclaration("1.0", "UTF-8", null), list);
        using var writer = new Utf8StringWriter();
        doc.Save(writer, SaveOptions.None);
        return writer.ToString();
    }

    private static XElement ClassResult(XNamespace ns, IofClass cls, IEnumerable<XElement> persons)
    {
        var c = new XElement(ns + "Class");
        if (cls.Id is { } id)
        {
            c.Add(new XElement(ns + "Id", id));
        }

        c.Add(new XElement(ns + "Name", cls.Name));
        if (cls.ShortName is { } shortName)
        {
            c.Add(new XElement(ns + "ShortName", shortName));
        }

        return new XElement(ns + "ClassResult", c, persons);
    }

    private XElement Person(XNamespace ns, MopCompetitor c, bool personId)
    {
        var space = c.Name.LastIndexOf(' ');
        var name = new XElement(ns + "Name", new XElement(ns + "Family", space < 0 ? c.Name : c.Name[(space + 1)..]));
        if (space > 0)
        {
            name.Add(new XElement(ns + "Given", c.Name[..space]));
        }

        var person = new XElement(ns + "PersonResult", new XElement(ns + "Person", personId ? new XElement(ns + "Id", Text(c.Id)) : null, name));
        if (OrganisationOf(c) is { } org)
        {
            person.Add(new XElement(ns + "Organisation", new XElement(ns + "Id", Text(c.Org)), new XElement(ns + "Name", org)));
        }

        var result = new XElement(ns + "Result");
        if (c.Bib is not null)
        {
            result.Add(new XElement(ns + "BibNumber", c.Bib));
        }

        if (Date is { } date && c.St >= 0)
        {
            var start = date.ToDateTime(TimeOnly.MinValue).AddSeconds(c.St / 10.0);
            result.Add(new XElement(ns + "StartTime", start.ToString("yyyy-MM-dd'T'HH:mm:ss.f", CultureInfo.InvariantCulture)));
        }

        if (c.Rt > 0)
        {
            result.Add(new XElement(ns + "Time", Tenths(c.Rt)));
        }

        result.Add(new XElement(ns + "Status", Status(c.Stat, c.St)));
        foreach (var (control, rt) in c.Radio.OrderBy(x => x.Rt))
        {
            result.Add(new XElement(ns + "SplitTime", new XElement(ns + "ControlCode", Text(control)), new XElement(ns + "Time", Tenths(rt))));
        }

        person.Add(result);
        return person;
    }

    /// <summary>
    /// The state a list built by <see cref="ToIofXml"/> came from (after a restart, so that MeOS's next MOPDiff has
    /// something to apply to); null for a list from anywhere else. The list is the one shown: the last Complete with
    /// the Deltas since folded in, which keeps the Complete's <c>creator</c> (the Deltas carry the same). What it gives
    /// back renders as the list did (bib, start, time, status, radio times): MeOS's codes 15 and 99 both read back as
    /// 99 (IOF NotCompeting), radio controls keep their ids, not their names, and classes their order in the list, not
    /// MeOS's <c>ord</c>.
    /// </summary>
    public static MopCompetition? FromList(IofResultList? list)
    {
        if (list is null || list.Creator != Creator)
        {
            return null;
        }

        var classes = new Dictionary<int, MopClass>();
        var orgs = new Dictionary<int, string>();
        var competitors = new Dictionary<int, MopCompetitor>();
        var date = list.Event.Date;
        var order = 0;
        foreach (var c in list.Classes)
        {
            if (!int.TryParse(c.Class.Id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var cls))
            {
                return null;
            }

            classes[cls] = new MopClass(cls, c.Class.Name, order++);
            foreach (var p in c.Persons)
            {
                if (!int.TryParse(p.Person.Id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
                {
                    return null;
                }

                var org = int.TryParse(p.Organisation?.Id, NumberStyles.Integer, CultureInfo.InvariantCulture, out var o) ? o : 0;
                if (org != 0)
                {
                    orgs[org] = p.Organisation?.Name ?? "";
                }

                // No date, no start time written: a competitor running (MeOS's 0 once started) still reads back as started.
                var st = date is { } d && p.StartTime is { } s ? (int)Math.Round((s.DateTime - d.ToDateTime(TimeOnly.MinValue)).TotalSeconds * 10)
                    : p.Status == IofStatus.Active ? 0 : -1;
                competitors[id] = new MopCompetitor(id, p.Person.Name, org, cls, Code(p.Status), st, (int)Math.Round((p.Time ?? 0) * 10), p.Bib,
                    [.. p.Splits.Where(x => x.Time is not null && int.TryParse(x.ControlCode, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                        .Select(x => (int.Parse(x.ControlCode, CultureInfo.InvariantCulture), (int)Math.Round(x.Time!.Value * 10)))]);
            }
        }

        return new MopCompetition(list.Event.Name == "MeOS" ? "" : list.Event.Name, date, classes, orgs, competitors);
    }

    /// <summary>
    /// MeOS's status codes (its <c>RunnerStatus</c>) as IOF statuses: 1 OK, 2 no timing (Finished, unranked),
    /// 3 MissingPunch, 4 DidNotFinish, 5 Disqualified, 6 OverTime (MAX), 15 out of competition and 99 not competing
    /// (NotCompeting), 20 DidNotStart, 21 Cancelled; 0 (no result yet) is Active once started, else Inactive.
    /// </summary>
    public static string Status(int stat, int st) => stat switch
    {
        1 => "OK",
        2 => "Finished",
        3 => "MissingPunch",
        4 => "DidNotFinish",
        5 => "Disqualified",
        6 => "OverTime",
        15 or 99 => "NotCompeting",
        20 => "DidNotStart",
        21 => "Cancelled",
        _ => st >= 0 ? "Active" : "Inactive",
    };

    private static int Code(IofStatus status) => status switch
    {
        IofStatus.OK => 1,
        IofStatus.Finished => 2,
        IofStatus.MissingPunch => 3,
        IofStatus.DidNotFinish => 4,
        IofStatus.Disqualified => 5,
        IofStatus.OverTime => 6,
        IofStatus.NotCompeting => 99,
        IofStatus.DidNotStart => 20,
        IofStatus.Cancelled => 21,
        _ => 0,
    };

    /// <summary>A radio element's text: <c>control,tenths;control,tenths</c>.</summary>
    private static List<(int, int)> Radio(int competitor, string text)
    {
        var list = new List<(int, int)>();
        foreach (var pair in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = pair.Split(',');
            if (fields.Length != 2
                || !int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var control)
                || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var rt))
            {
                throw new MopFormatException($"competitor {competitor}'s radio times '{pair}' are not control,tenths");
            }

            list.Add((control, rt));
        }

        return list;
    }

    private static int Id(XElement e) => (string?)e.Attribute("id") is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id)
        ? id
        : throw new MopFormatException($"a {e.Name.LocalName} element has no numeric id");

    private static bool Deleted(XElement e) => string.Equals((string?)e.Attribute("delete"), "true", StringComparison.OrdinalIgnoreCase);

    private static int Int(XElement e, string attribute, int fallback)
    {
        var text = (string?)e.Attribute(attribute);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new MopFormatException($"{e.Name.LocalName}@{attribute} is '{text}', not a number");
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Tenths(int tenths) => (tenths / 10.0).ToString("0.#", CultureInfo.InvariantCulture);

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter() : base(CultureInfo.InvariantCulture) { }

        public override Encoding Encoding => Encoding.UTF8;
    }
}
