using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using HttpResults = Microsoft.AspNetCore.Http.Results;

namespace Edge.Online.Tests.Support;

/// <summary>
/// RunSignUp as PROTOCOLS.md §4 documents it, for one account: participants by event, paged (<c>page</c>,
/// <c>results_per_page</c> up to 2,500); key and secret as query parameters or the secret in <c>X-RSU-API-SECRET</c>;
/// errors as <c>{"error": {"error_code", "error_msg"}}</c>; results posted to result sets and kept by bib, splits as
/// <c>split-{id}</c> (blank leaves a split, "X" clears it), a set created by name when missing.
/// </summary>
public sealed class RunSignUpStandIn : StandIn
{
    public const string Key = "rsu-key-7f3a";
    public const string Secret = "rsu-secret-do-not-print-91c2";

    private readonly object _gate = new();
    private long _nextSetId = 900;

    private RunSignUpStandIn(TimeProvider? clock) : base(clock)
    {
    }

    /// <summary>The service's base URL, as <c>--base-url</c> takes it.</summary>
    public Uri BaseUrl => new(Root, "Rest/");

    /// <summary>Events of the race the stand-in serves, by id: a name and the participant rows as RunSignUp writes them.</summary>
    public Dictionary<long, (string Name, List<JsonObject> Participants)> Events { get; } = [];

    public long RaceId { get; init; } = 123;

    /// <summary>Result sets: id → (event id, name, rows by bib as posted and merged).</summary>
    public Dictionary<long, (long EventId, string Name, Dictionary<string, Dictionary<string, string>> Rows)> ResultSets { get; } = [];

    /// <summary>How many rows each post carried, in order.</summary>
    public List<int> PostedBatches { get; } = [];

    public static async Task<RunSignUpStandIn> StartAsync(TimeProvider? clock = null)
    {
        var standIn = new RunSignUpStandIn(clock);
        await standIn.ListenAsync();
        return standIn;
    }

    public void AddEvent(long eventId, string name, int participants, int firstBib = 1)
    {
        var rows = Enumerable.Range(0, participants).Select(i => Participant(eventId * 10_000 + i, (firstBib + i).ToString(CultureInfo.InvariantCulture),
            $"First{firstBib + i}", $"Last{firstBib + i}", i % 2 == 0 ? "F" : "M", 20 + i % 50)).ToList();
        Events[eventId] = (name, rows);
    }

    /// <summary>A participant row shaped as RunSignUp's: registration, bib, chip, age, team, and the user with an address.</summary>
    public static JsonObject Participant(long registrationId, string? bib, string first, string last, string gender, int? age,
        string? dob = null, string city = "Seattle", string state = "WA", string? team = null, string? chip = null) => new()
        {
            ["registration_id"] = registrationId,
            ["bib_num"] = bib is null ? null : long.TryParse(bib, out var n) ? JsonValue.Create(n) : JsonValue.Create(bib),
            ["chip_num"] = chip,
            ["age"] = age,
            ["team_name"] = team,
            ["last_modified"] = "4/1/2026 09:30",
            ["user"] = new JsonObject
            {
                ["user_id"] = registrationId + 5_000_000,
                ["first_name"] = first,
                ["last_name"] = last,
                ["dob"] = dob,
                ["gender"] = gender,
                ["address"] = new JsonObject { ["city"] = city, ["state"] = state, ["country_code"] = "US" },
            },
        };

    public SeenRequest[] ParticipantRequests() => [.. Requests.Where(r => r.Path.EndsWith("/participants", StringComparison.Ordinal))];

    public static Fault OnPage(int page, int status, int times = int.MaxValue, string body = "") => new()
    {
        When = r => r.Path.Value!.EndsWith("/participants", StringComparison.Ordinal) && r.Query["page"] == page.ToString(CultureInfo.InvariantCulture),
        Status = status,
        Body = body,
        Times = times,
    };

    protected override void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/Rest/race/{raceId:long}/participants", (long raceId, HttpRequest request) =>
        {
            if (Refusal(request) is { } refused)
            {
                return refused;
            }

            if (raceId != RaceId || !long.TryParse(request.Query["event_id"], out var eventId) || !Events.TryGetValue(eventId, out var ev))
            {
                return Error(StatusCodes.Status404NotFound, 201, "Race or event not found.");
            }

            var page = int.TryParse(request.Query["page"], out var p) ? p : 1;
            var size = int.TryParse(request.Query["results_per_page"], out var s) ? s : 50;
            if (size is < 1 or > 2500 || page < 1)
            {
                return Error(StatusCodes.Status400BadRequest, 3, "Invalid paging.");
            }

            var rows = new JsonArray([.. ev.Participants.Skip((page - 1) * size).Take(size).Select(r => r.DeepClone())]);
            var body = new JsonArray(new JsonObject
            {
                ["event"] = new JsonObject { ["event_id"] = eventId, ["race_event_days_id"] = 4242, ["name"] = ev.Name },
                ["participants"] = rows,
            });
            return HttpResults.Content(body.ToJsonString(), "application/json");
        });

        routes.MapGet("/Rest/race/{raceId:long}/results/get-result-sets", (long raceId, HttpRequest request) =>
        {
            if (Refusal(request) is { } refused)
            {
                return refused;
            }

            var eventId = long.Parse(request.Query["event_id"].ToString(), CultureInfo.InvariantCulture);
            lock (_gate)
            {
                var sets = new JsonArray([.. ResultSets.Where(s => s.Value.EventId == eventId).Select(s => (JsonNode)new JsonObject
                {
                    ["individual_result_set_id"] = s.Key,
                    ["individual_result_set_name"] = s.Value.Name,
                    ["results_source_name"] = "edge",
                })]);
                return HttpResults.Content(new JsonObject { ["individual_results_sets"] = sets }.ToJsonString(), "application/json");
            }
        });

        routes.MapPost("/Rest/race/{raceId:long}/results/full-results", async (long raceId, HttpRequest request) =>
        {
            if (Refusal(request) is { } refused)
            {
                return refused;
            }

            var form = await request.ReadFormAsync();
            if (form["request_format"] != "json" || !long.TryParse(form["event_id"], out var eventId) || !Events.ContainsKey(eventId))
            {
                return Error(StatusCodes.Status400BadRequest, 3, "Missing event_id or request_format.");
            }

            var rows = JsonNode.Parse(form["request"].ToString())!["results"]!.AsArray();
            lock (_gate)
            {
                long setId;
                if (long.TryParse(form["individual_result_set_id"], out var given))
                {
                    if (!ResultSets.ContainsKey(given))
                    {
                        return Error(StatusCodes.Status404NotFound, 202, "Result set not found.");
                    }

                    setId = given;
                }
                else if (form["individual_result_set_name"].ToString() is { Length: > 0 } name)
                {
                    // Created when missing: what makes posting by a name twice land twice, unless the client looks first.
                    setId = _nextSetId++;
                    ResultSets[setId] = (eventId, name, []);
                }
                else
                {
                    return Error(StatusCodes.Status400BadRequest, 3, "Missing result set.");
                }

                PostedBatches.Add(rows.Count);
                var stored = ResultSets[setId].Rows;
                foreach (var row in rows.Select(r => r!.AsObject()))
                {
                    var bib = row["bib_num"]!.ToString();
                    if (!stored.TryGetValue(bib, out var fields))
                    {
                        stored[bib] = fields = new Dictionary<string, string>(StringComparer.Ordinal);
                    }

                    foreach (var (field, value) in row)
                    {
                        var text = value?.ToString() ?? "";
                        if (field.StartsWith("split-", StringComparison.Ordinal) && text.Length == 0)
                        {
                            continue;
                        }

                        if (field.StartsWith("split-", StringComparison.Ordinal) && text == "X")
                        {
                            fields.Remove(field);
                            continue;
                        }

                        fields[field] = text;
                    }
                }

                return HttpResults.Content(new JsonObject { ["individual_result_set_id"] = setId, ["num_results"] = rows.Count }.ToJsonString(), "application/json");
            }
        });
    }

    /// <summary>The account's key and secret: both in the query, or the key in the query and the secret in the header.</summary>
    private static IResult? Refusal(HttpRequest request)
    {
        var query = request.Query;
        var byQuery = query["api_key"] == Key && query["api_secret"] == Secret;
        var byHeader = query["rsu_api_key"] == Key && request.Headers["X-RSU-API-SECRET"] == Secret;
        return byQuery || byHeader ? null : Error(StatusCodes.Status401Unauthorized, 6, "Invalid API key or secret.");
    }

    public static IResult Error(int status, int code, string message) =>
        HttpResults.Content(JsonSerializer.Serialize(new { error = new { error_code = code, error_msg = message } }), "application/json", statusCode: status);
}
