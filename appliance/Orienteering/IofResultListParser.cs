using System.Globalization;
using System.Text;
using System.Xml;

namespace Edge.Appliance.Orienteering;

/// <summary>Bounds on what <see cref="IofResultListParser"/> reads; every default is here.</summary>
public sealed record IofParseOptions
{
    public static IofParseOptions Default { get; } = new();

    /// <summary>Characters in the document: 64 M, about 20 times a 2,000-runner list with splits.</summary>
    public long MaxCharacters { get; init; } = 64L * 1024 * 1024;

    /// <summary>Element nesting: a ResultList needs 7 (ResultList/ClassResult/PersonResult/Result/SplitTime/Time); Extensions get room.</summary>
    public int MaxDepth { get; init; } = 64;

    /// <summary>
    /// The highest race number (Result@raceNumber, Course@raceNumber, Event/Race/RaceNumber): each race is a day the box
    /// scores and totals, so a file cannot make it keep thousands; a multi-day event has a handful.
    /// </summary>
    public int MaxRaceNumber { get; init; } = 32;
}

/// <summary>
/// Reads an IOF XML 3.0 <c>ResultList</c> (PROTOCOLS.md §3) in one forward pass. The file comes from outside the box
/// (an FTP upload, a POST), so no DTD is processed, nothing is fetched, and size, depth and race numbers are bounded. Children are
/// read by name, not position (QuickEvent writes them out of schema order), and unknown elements are skipped. Every
/// refusal is an <see cref="IofParseException"/> saying why; an I/O error of the stream itself propagates.
/// </summary>
public static class IofResultListParser
{
    public const string Namespace = "http://www.orienteering.org/datastandard/3.0";

    private static readonly Dictionary<string, IofStatus> Statuses =
        Enum.GetValues<IofStatus>().ToDictionary(s => s.ToString(), StringComparer.Ordinal);

    // OE declares encoding="windows-1252"; .NET knows only Unicode and Latin-1 until the code pages are registered.
    static IofResultListParser() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static IofResultList Parse(byte[] bytes, IofParseOptions? options = null)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return Parse(stream, options);
    }

    public static IofResultList Parse(Stream stream, IofParseOptions? options = null) =>
        Parse(settings => XmlReader.Create(stream, settings), options);

    /// <summary>A document already decoded (the text a result-list log entry keeps): its encoding declaration is not used again.</summary>
    public static IofResultList Parse(TextReader text, IofParseOptions? options = null) =>
        Parse(settings => XmlReader.Create(text, settings), options);

    private static IofResultList Parse(Func<XmlReaderSettings, XmlReader> open, IofParseOptions? options)
    {
        options ??= IofParseOptions.Default;
        // XmlReaderSettings reads 0 as "no limit": a bound must be a bound.
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxCharacters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDepth, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRaceNumber, 1);
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = options.MaxCharacters,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,
        };
        XmlReader? reader = null;
        Document? document = null;
        try
        {
            reader = open(settings);
            document = new Document(reader, options.MaxDepth, options.MaxRaceNumber);
            return document.ReadResultList();
        }
        catch (XmlException e)
        {
            var line = e.LineNumber > 0 ? e.LineNumber : reader is IXmlLineInfo info && info.LineNumber > 0 ? info.LineNumber : (int?)null;
            throw new IofParseException(Plain(e, options, document?.AfterRoot == true), line);
        }
        finally
        {
            reader?.Dispose();
        }
    }

    /// <summary>XmlReader's messages for the ways a file goes wrong, in a timer's words, without its position suffix.</summary>
    private static string Plain(XmlException e, IofParseOptions options, bool afterRoot)
    {
        var m = e.Message;
        var at = m.IndexOf(" Line ", StringComparison.Ordinal);
        if (at > 0 && e.LineNumber > 0)
        {
            m = m[..at];
        }

        bool Has(string words) => m.Contains(words, StringComparison.Ordinal);
        return m switch
        {
            _ when Has("DTD is prohibited") =>
                "the file holds a DOCTYPE (a DTD with entities); IOF XML never does, and it is refused so entities cannot expand or reach outside files",
            _ when Has("Unexpected end of file") || Has("unclosed literal string") =>
                "the file ends before its elements are closed: it is truncated (read while the exporter was still writing it?)",
            _ when Has("Root element is missing") => "the file is empty or holds no XML element",
            _ when Has("MaxCharactersInDocument") =>
                $"the file is larger than the {options.MaxCharacters:N0} characters a result list may have",
            _ when Has("does not support") && Has("encoding") => $"{m.TrimEnd('.')}: save the export as UTF-8 or windows-1252",
            _ when Has("Invalid character in the given encoding") =>
                "a byte is not text in the encoding the file declares (an export saved in another encoding than its <?xml encoding=...?> says?)",
            _ when afterRoot => $"there is more after the ResultList closes (two exports written into one file?): {m}",
            _ => $"not well-formed XML: {m}",
        };
    }

    /// <summary>The reader and where it is; each Read method starts on its element and ends just past it.</summary>
    private sealed class Document(XmlReader reader, int maxDepth, int maxRaceNumber)
    {
        private readonly IXmlLineInfo? _lines = reader as IXmlLineInfo;

        /// <summary>The line of the element whose text <see cref="Text"/> last read (the reader is past it by then).</summary>
        private int? _valueLine;

        public int? Line => _lines is { } l && l.HasLineInfo() ? l.LineNumber : null;

        /// <summary>True once the root element has been read whole: what follows can only be refused.</summary>
        public bool AfterRoot { get; private set; }

        private IofParseException Error(string problem) => new(problem, Line);

        private IofParseException ValueError(string problem) => new(problem, _valueLine);

        public IofResultList ReadResultList()
        {
            if (reader.MoveToContent() != XmlNodeType.Element)
            {
                throw Error("the file holds no XML element");
            }

            if (reader.LocalName != "ResultList" || reader.NamespaceURI != Namespace)
            {
                var ns = reader.NamespaceURI.Length == 0 ? "no namespace" : $"namespace '{Shown(reader.NamespaceURI)}'";
                var hint = reader.LocalName == "ResultList" && reader.NamespaceURI.Length == 0
                    ? " (an IOF XML 2.0 export? choose XML 3.0 in the export settings)"
                    : "";
                throw Error($"not an IOF XML 3.0 ResultList: root is <{Shown(reader.LocalName)}> in {ns}, expected <ResultList> in namespace '{Namespace}'{hint}");
            }

            var status = reader.GetAttribute("status") switch
            {
                null or "Complete" => IofListStatus.Complete,
                "Delta" => IofListStatus.Delta,
                "Snapshot" => IofListStatus.Snapshot,
                var other => throw Error($"ResultList status '{Shown(other)}' must be Complete, Delta or Snapshot"),
            };
            DateTimeOffset? createTime = null;
            if (reader.GetAttribute("createTime") is { } ct)
            {
                createTime = DateTimeOffset.TryParse(ct, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                    ? t
                    : throw Error($"ResultList createTime '{Shown(ct)}' is not a date and time");
            }

            var creator = reader.GetAttribute("creator")?.Trim();
            IofEvent? ev = null;
            var classes = new List<IofClassResult>();
            ReadChildren(name =>
            {
                switch (name)
                {
                    case "Event":
                        ev = ReadEvent();
                        return true;
                    case "ClassResult":
                        classes.Add(ReadClassResult());
                        return true;
                    default:
                        return false;
                }
            });

            // The rest of the file is read too: anything after the root (a second export appended) is refused.
            while (Next())
            {
            }

            return new IofResultList(status, createTime, creator, ev ?? new IofEvent("", null), classes);
        }

        private IofEvent ReadEvent()
        {
            var name = "";
            DateOnly? date = null;
            var races = new List<IofRace>();
            ReadChildren(child =>
            {
                switch (child)
                {
                    case "Name":
                        name = Text();
                        return true;
                    case "Race":
                        // A Race without a RaceNumber, or naming one again, adds nothing.
                        if (ReadRace() is { } race && races.All(r => r.Number != race.Number))
                        {
                            races.Add(race);
                        }

                        return true;
                    case "StartTime":
                        ReadChildren(part =>
                        {
                            if (part != "Date")
                            {
                                return false;
                            }

                            var text = Text();
                            date = DateOnly.TryParseExact(text.Length >= 10 ? text[..10] : text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
                                ? d
                                : throw ValueError($"Event StartTime Date '{Shown(text)}' is not a date like 2026-05-02");
                            return true;
                        });
                        return true;
                    default:
                        return false;
                }
            });
            return races.Count == 0 ? new IofEvent(name, date) : new IofEvent(name, date) { Races = races };
        }

        private IofRace? ReadRace()
        {
            int? number = null;
            string? name = null;
            ReadChildren(child =>
            {
                switch (child)
                {
                    case "RaceNumber" when number is null:
                        var text = Text();
                        number = text.Length == 0 ? null : RaceNumber(text, "Event Race RaceNumber", ValueError);
                        return true;
                    case "Name" when name is null:
                        name = Optional(Text());
                        return true;
                    default:
                        return false;
                }
            });
            return number is { } n ? new IofRace(n, name) : null;
        }

        private IofClassResult ReadClassResult()
        {
            IofClass? cls = null;
            IofCourse? course = null;
            var raceCourses = new List<IofRaceCourse>();
            var persons = new List<IofPersonResult>();
            ReadChildren(name =>
            {
                switch (name)
                {
                    case "Class":
                        cls = ReadClass();
                        return true;
                    case "Course":
                        // One Course per race; the first is the class's (a single-race list has one), and one given
                        // for a race is that race's. Another for a race already given is skipped.
                        var race = RaceAttribute("Course");
                        if (course is not null && (race is null || raceCourses.Any(c => c.RaceNumber == race)))
                        {
                            return false;
                        }

                        var read = ReadCourse();
                        course ??= read;
                        if (race is { } r)
                        {
                            raceCourses.Add(new IofRaceCourse(r, read));
                        }

                        return true;
                    case "PersonResult":
                        persons.Add(ReadPersonResult(cls));
                        return true;
                    default:
                        // TeamResult (relays) is not scored here, and skipped whole.
                        return false;
                }
            });
            var result = new IofClassResult(cls ?? throw Error("a ClassResult has no Class"), course, persons);
            return raceCourses.Count == 0 ? result : result with { RaceCourses = raceCourses };
        }

        private IofClass ReadClass()
        {
            var line = Line;
            string? id = null, name = null, shortName = null;
            ReadChildren(child =>
            {
                switch (child)
                {
                    case "Id":
                        id = Optional(Text());
                        return true;
                    case "Name":
                        name = Optional(Text());
                        return true;
                    case "ShortName":
                        shortName = Optional(Text());
                        return true;
                    default:
                        return false;
                }
            });
            return new IofClass(id, name ?? shortName ?? throw new IofParseException("a Class has neither a Name nor a ShortName", line), shortName);
        }

        private IofCourse ReadCourse()
        {
            double? length = null, climb = null;
            ReadChildren(child =>
            {
                switch (child)
                {
                    case "Length":
                        length = Number(Text(), "Course Length");
                        return true;
                    case "Climb":
                        climb = Number(Text(), "Course Climb");
                        return true;
                    default:
                        return false;
                }
            });
            return new IofCourse(length, climb);
        }

        private IofPersonResult ReadPersonResult(IofClass? cls)
        {
            var person = new IofPerson(null, null, null);
            IofOrganisation? organisation = null;
            IofPersonResult? result = null;
            List<IofPersonResult>? others = null;
            ReadChildren(name =>
            {
                switch (name)
                {
                    case "Person":
                        person = ReadPerson();
                        return true;
                    case "Organisation":
                        organisation = ReadOrganisation();
                        return true;
                    case "Result":
                        // A Result per race (a multi-day file); a second one for a race already read is skipped, so a
                        // person holds at most one per race number, and one without.
                        var race = RaceAttribute("Result");
                        if (result is not null && (result.RaceNumber == race || others?.Any(o => o.RaceNumber == race) == true))
                        {
                            return false;
                        }

                        var read = ReadResult(cls) with { RaceNumber = race };
                        if (result is null)
                        {
                            result = read;
                        }
                        else
                        {
                            (others ??= []).Add(read);
                        }

                        return true;
                    default:
                        return false;
                }
            });
            var r = result ?? new IofPersonResult(person, null, null, null, null, null, null, null, IofStatus.Inactive, null, []);
            return others is null
                ? r with { Person = person, Organisation = organisation }
                : r with { Person = person, Organisation = organisation, OtherResults = [.. others.Select(o => o with { Person = person, Organisation = organisation })] };
        }

        private IofPerson ReadPerson()
        {
            string? id = null, given = null, family = null;
            ReadChildren(name =>
            {
                switch (name)
                {
                    case "Id" when id is null:
                        // The first of a person's ids (a file may add others with a type, e.g. IOF).
                        id = Optional(Text());
                        return true;
                    case "Name":
                        ReadChildren(part =>
                        {
                            switch (part)
                            {
                                case "Given":
                                    // Several Given elements are several given names.
                                    given = Optional(given is null ? Text() : $"{given} {Text()}");
                                    return true;
                                case "Family":
                                    family = Optional(Text());
                                    return true;
                                default:
                                    return false;
                            }
                        });
                        return true;
                    default:
                        return false;
                }
            });
            return new IofPerson(id, given, family);
        }

        private IofOrganisation ReadOrganisation()
        {
            string? id = null, name = null, shortName = null, country = null;
            ReadChildren(child =>
            {
                switch (child)
                {
                    case "Id" when id is null:
                        id = Optional(Text());
                        return true;
                    case "Name":
                        name = Optional(Text());
                        return true;
                    case "ShortName":
                        shortName = Optional(Text());
                        return true;
                    case "Country":
                        country = Optional(reader.GetAttribute("code")?.Trim());
                        var countryName = Optional(Text());
                        country ??= countryName;
                        return true;
                    default:
                        return false;
                }
            });
            return new IofOrganisation(id, name, shortName, country);
        }

        private IofPersonResult ReadResult(IofClass? cls)
        {
            var line = Line;
            string? bib = null, card = null;
            DateTimeOffset? start = null, finish = null;
            double? time = null, behind = null;
            int? position = null;
            IofStatus? status = null;
            var splits = new List<IofSplitTime>();
            ReadChildren(name =>
            {
                switch (name)
                {
                    case "BibNumber":
                        bib = Optional(Text());
                        return true;
                    case "StartTime":
                        start = DateTime(Text(), "StartTime");
                        return true;
                    case "FinishTime":
                        finish = DateTime(Text(), "FinishTime");
                        return true;
                    case "Time":
                        time = Seconds(Text(), "Time");
                        return true;
                    case "TimeBehind" when behind is null:
                        behind = Seconds(Text(), "TimeBehind");
                        return true;
                    case "Position" when position is null:
                        var p = Text();
                        position = p.Length == 0 ? null
                            : int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                            : throw ValueError($"Position '{Shown(p)}' is not a whole number");
                        return true;
                    case "Status":
                        var s = Text();
                        status = Statuses.TryGetValue(s, out var known) ? known
                            : throw ValueError($"Status '{Shown(s)}' is not an IOF result status ({string.Join(", ", Statuses.Keys)})");
                        return true;
                    case "ControlCard" when card is null:
                        card = Optional(Text());
                        return true;
                    case "SplitTime":
                        splits.Add(ReadSplit());
                        return true;
                    default:
                        return false;
                }
            });
            var where = cls is null ? "" : $" in class {Shown(cls.Name)}";
            return new IofPersonResult(new IofPerson(null, null, null), null, bib, start, finish, time, behind, position,
                status ?? throw new IofParseException($"a Result{where} has no Status (the one part a Result must have)", line), card, splits);
        }

        private IofSplitTime ReadSplit()
        {
            var status = reader.GetAttribute("status") switch
            {
                null or "OK" => IofSplitStatus.OK,
                "Missing" => IofSplitStatus.Missing,
                "Additional" => IofSplitStatus.Additional,
                var other => throw Error($"SplitTime status '{Shown(other)}' must be OK, Missing or Additional"),
            };
            string? code = null;
            double? time = null;
            ReadChildren(name =>
            {
                switch (name)
                {
                    case "ControlCode":
                        code = Text();
                        return true;
                    case "Time":
                        time = Seconds(Text(), "SplitTime Time");
                        return true;
                    default:
                        return false;
                }
            });
            return new IofSplitTime(code ?? "", time, status);
        }

        /// <summary>
        /// Reads the children of the current element, handing each IOF element's name to <paramref name="child"/>,
        /// which reads it and says true, or says false to have it skipped. Ends just past the element.
        /// </summary>
        private void ReadChildren(Func<string, bool> child)
        {
            if (reader.IsEmptyElement)
            {
                Next();
                return;
            }

            var depth = reader.Depth;
            Next();
            while (reader.Depth > depth)
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    Next();
                }
                else if (reader.NamespaceURI != Namespace || !child(reader.LocalName))
                {
                    Skip();
                }
            }

            if (reader.NodeType == XmlNodeType.None)
            {
                // The reader throws for a truncated file before this; kept so a reader that does not cannot loop.
                throw Error("the file ends before its elements are closed: it is truncated");
            }

            Next();
        }

        private void Skip()
        {
            if (reader.IsEmptyElement)
            {
                Next();
                return;
            }

            var depth = reader.Depth;
            while (Next() && reader.Depth > depth)
            {
            }

            Next();
        }

        /// <summary>Moves to the next node, refusing nesting deeper than the bound (XmlReader itself has none).</summary>
        private bool Next()
        {
            if (reader.Depth == 0 && (reader.NodeType == XmlNodeType.EndElement || (reader.NodeType == XmlNodeType.Element && reader.IsEmptyElement)))
            {
                AfterRoot = true;
            }

            var more = reader.Read();
            if (more && reader.NodeType == XmlNodeType.Element && reader.Depth >= maxDepth)
            {
                throw Error($"elements are nested more than {maxDepth} deep; a result list needs fewer than 10");
            }

            return more;
        }

        /// <summary>The current element's text, trimmed; the reader ends just past the element.</summary>
        private string Text()
        {
            if (reader.IsEmptyElement)
            {
                _valueLine = Line;
                Next();
                return "";
            }

            var name = reader.LocalName;
            _valueLine = Line;
            var depth = reader.Depth;
            string? first = null;
            StringBuilder? more = null;
            while (Next() && reader.Depth > depth)
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace:
                        // Almost always one text node: a builder only for text split by comments or CDATA.
                        if (first is null)
                        {
                            first = reader.Value;
                        }
                        else
                        {
                            (more ??= new StringBuilder(first)).Append(reader.Value);
                        }

                        break;
                    case XmlNodeType.Element:
                        throw Error($"<{name}> holds an element <{Shown(reader.LocalName)}> where text belongs");
                }
            }

            Next();
            return (more?.ToString() ?? first ?? "").Trim();
        }

        private static string? Optional(string? text) => string.IsNullOrEmpty(text) ? null : text;

        /// <summary>The current element's <c>raceNumber</c> attribute (read before the element is); null when it has none.</summary>
        private int? RaceAttribute(string element) =>
            reader.GetAttribute("raceNumber")?.Trim() is { Length: > 0 } text ? RaceNumber(text, $"{element} raceNumber", Error) : null;

        private int RaceNumber(string text, string what, Func<string, IofParseException> error) =>
            int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= maxRaceNumber
                ? n
                : throw error($"{what} '{Shown(text)}' is not a race number from 1 to {maxRaceNumber}");

        private double? Number(string text, string what)
        {
            if (text.Length == 0)
            {
                return null;
            }

            // Some OE versions write a decimal comma (PROTOCOLS.md §3: "decimals off"); a comma is never a thousands mark here.
            return double.TryParse(text.Replace(',', '.'), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var d)
                && double.IsFinite(d)
                ? d
                : throw ValueError($"{what} '{Shown(text)}' is not a number");
        }

        private double? Seconds(string text, string what)
        {
            var seconds = Number(text, what);
            return seconds < 0 ? throw ValueError($"{what} '{Shown(text)}' is negative; times are seconds from the start") : seconds;
        }

        private DateTimeOffset? DateTime(string text, string what)
        {
            if (text.Length == 0)
            {
                return null;
            }

            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                ? t
                : throw ValueError($"{what} '{Shown(text)}' is not a date and time like 2026-05-02T10:00:00+01:00");
        }

        /// <summary>Text from the file as a message shows it: at most 80 characters, control characters escaped.</summary>
        private static string Shown(string text)
        {
            var cut = text.Length > 80 ? text[..80] + "…" : text;
            return string.Concat(cut.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
        }
    }
}
