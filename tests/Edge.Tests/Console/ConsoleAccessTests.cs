using System.Net;
using Edge.Appliance.Console;
using Edge.Tests.Support;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Tests.Console;

/// <summary>Who may open the console and do what: every route is checked, from the app's own endpoint list.</summary>
public sealed class ConsoleAccessTests : IDisposable
{
    /// <summary>The only console routes open to anyone: signing in, and a helper's phone redeeming its one-time code.</summary>
    private static readonly string[] Anonymous = ["GET /admin/signin", "POST /admin/signin", "GET /admin/pair/{token}", "POST /admin/pair/{token}",
        // MeOS cannot sign in: it proves itself with the MOP competition id and password (and Console:AllowedNetworks).
        "POST /mop"];

    /// <summary>Outside /admin, what only the timer may read.</summary>
    private static readonly string[] Sensitive = ["/api/meets"];

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [ConsoleRoles.TimerPolicy] = [ConsoleRoles.Timer],
        [ConsoleRoles.DeskPolicy] = [ConsoleRoles.Timer, ConsoleRoles.Desk],
        [ConsoleRoles.ViewPolicy] = [ConsoleRoles.Timer, ConsoleRoles.Announcer],
        [ConsoleRoles.SignedInPolicy] = [ConsoleRoles.Timer, ConsoleRoles.Desk, ConsoleRoles.Announcer],
    };

    private readonly TestMeet _meet = TestMeet.Create(TestMeet.StandardJson().Replace("\"races\":", ConsoleClient.MeetSection + "\n  \"races\":", StringComparison.Ordinal), TestMeet.SmallRoster);

    public void Dispose() => _meet.Dispose();

    private static List<(string Method, string Pattern, string? Policy, bool Anonymous)> Routes(TestBox box)
    {
        var routes = new List<(string, string, string?, bool)>();
        foreach (var endpoint in box.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).LastOrDefault();
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            foreach (var method in methods)
            {
                routes.Add((method, pattern, policy, anonymous));
            }
        }

        return routes;
    }

    private static bool Guarded((string Method, string Pattern, string? Policy, bool Anonymous) r) =>
        r.Pattern.StartsWith("/admin", StringComparison.Ordinal) || r.Method is not ("GET" or "HEAD") || Sensitive.Any(s => r.Pattern.StartsWith(s, StringComparison.Ordinal));

    private static string Path(string pattern) => pattern
        .Replace("{token}", "0123456789abcdef", StringComparison.Ordinal).Replace("{kind}", "dnf", StringComparison.Ordinal)
        .Replace("{id:long}", "1", StringComparison.Ordinal).Replace("{id}", "1", StringComparison.Ordinal);

    [Fact]
    public async Task Every_console_route_and_every_state_changing_route_names_who_may_use_it()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        var routes = Routes(box);
        Assert.Contains(routes, r => r.Pattern == "/admin/corrections/{kind}");
        var guarded = routes.Where(Guarded).ToList();
        Assert.True(guarded.Count >= 20, $"{guarded.Count} guarded routes");
        foreach (var r in guarded)
        {
            var key = $"{r.Method} {r.Pattern}";
            if (Anonymous.Contains(key))
            {
                Assert.True(r.Anonymous, $"{key} is meant to be open to anyone and says so");
                continue;
            }

            Assert.False(r.Anonymous, key);
            Assert.True(r.Policy is not null && Allowed.ContainsKey(r.Policy), $"{key} names no console policy ({r.Policy})");
        }

        Assert.All(Anonymous, a => Assert.Contains(guarded, r => $"{r.Method} {r.Pattern}" == a));
    }

    [Fact]
    public async Task Anonymous_requests_and_roles_without_the_right_are_refused_on_every_guarded_route()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        using var anonymous = new ConsoleClient(box.Http.BaseAddress!);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        using var desk = await timer.PairAsync(ConsoleRoles.Desk, "Desk 1");
        using var announcer = await timer.PairAsync(ConsoleRoles.Announcer);
        var clients = new Dictionary<string, ConsoleClient> { [ConsoleRoles.Timer] = timer, [ConsoleRoles.Desk] = desk, [ConsoleRoles.Announcer] = announcer };
        foreach (var r in Routes(box).Where(Guarded).Where(r => !Anonymous.Contains($"{r.Method} {r.Pattern}")))
        {
            var path = Path(r.Pattern);
            var key = $"{r.Method} {r.Pattern}";
            var answer = await Send(anonymous, r.Method, path);
            if (r.Method == "GET" && r.Pattern.StartsWith("/admin", StringComparison.Ordinal))
            {
                Assert.True(answer.StatusCode == HttpStatusCode.Redirect && answer.Headers.Location!.OriginalString.StartsWith("/admin/signin", StringComparison.Ordinal),
                    $"anonymous {key}: {(int)answer.StatusCode}");
            }
            else
            {
                Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized, $"anonymous {key}: {(int)answer.StatusCode}");
            }

            foreach (var (role, client) in clients)
            {
                // Posts carry no form token here: an allowed role gets past the role check and is stopped by the token check (400), changing nothing.
                var status = (await Send(client, r.Method, path)).StatusCode;
                if (Allowed[r.Policy!].Contains(role))
                {
                    Assert.True(status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"{role} {key}: {(int)status}");
                }
                else
                {
                    Assert.True(status == HttpStatusCode.Forbidden, $"{role} {key}: {(int)status}, expected 403");
                }
            }
        }
    }

    private static Task<HttpResponseMessage> Send(ConsoleClient client, string method, string path) =>
        method == "GET" ? client.GetAsync(path) : client.Http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = new FormUrlEncodedContent([]) });

    [Fact]
    public async Task A_desk_phone_cannot_enter_a_dnf_or_move_a_gun_even_with_a_valid_form()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        using var desk = await timer.PairAsync(ConsoleRoles.Desk);
        // The desk's own page gives it a valid token; the role check still refuses.
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.PostFormAsync("/admin/desk", "/admin/corrections/dnf", ("bib", "101"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.PostFormAsync("/admin/desk", "/admin/gun/now", ("race", "10k"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.GetAsync("/admin/box")).StatusCode);
        Assert.Empty(box.Services.GetRequiredService<Corrections>().History());
        // What the desk may do, it can.
        Assert.Contains("assigned", await desk.DoAsync("/admin/desk", "/admin/desk/assign", ("tag", "CHIP-9"), ("bib", "103")), StringComparison.Ordinal);
        Assert.Equal("desk (helper)", box.Services.GetRequiredService<Corrections>().History().Single().By);
    }

    [Fact]
    public async Task A_cross_site_form_post_is_refused()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        // Another site's page can make the browser post, but cannot read the form token: without it, nothing happens.
        var forged = await timer.PostAsync("/admin/corrections/dnf", ("bib", "101"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        // A token from another session (the attacker's own) does not pass either.
        using var other = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        var page = await other.PageAsync("/admin/corrections");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"_form\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.Equal(HttpStatusCode.BadRequest, (await timer.PostAsync("/admin/corrections/dnf", ("_form", WebUtility.HtmlDecode(token)), ("bib", "101"))).StatusCode);
        Assert.Empty(box.Services.GetRequiredService<Corrections>().History());
        // The cookie itself is never sent by a cross-site request.
        var cookie = (await new ConsoleClient(box.Http.BaseAddress!).PostFormAsync("/admin/signin", "/admin/signin", ("password", ConsoleClient.Password))).Headers.GetValues("Set-Cookie").First();
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_eleventh_wrong_password_within_a_minute_is_throttled()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        using var client = new ConsoleClient(box.Http.BaseAddress!);
        for (var i = 1; i <= 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostFormAsync("/admin/signin", "/admin/signin", ("password", $"guess {i}"))).StatusCode);
        }

        var eleventh = await client.PostFormAsync("/admin/signin", "/admin/signin", ("password", "guess 11"));
        Assert.Equal((HttpStatusCode)429, eleventh.StatusCode);
        Assert.True(eleventh.Headers.RetryAfter is not null);
        // Even the right password is not checked while throttled.
        Assert.Equal((HttpStatusCode)429, (await client.PostFormAsync("/admin/signin", "/admin/signin", ("password", ConsoleClient.Password))).StatusCode);
    }

    [Fact]
    public async Task Without_a_password_a_one_time_setup_code_signs_in_once_and_there_is_no_default_password()
    {
        await using var box = await TestBox.StartAsync(null, TestMeet.Standard().Setting);
        var access = box.Services.GetRequiredService<ConsoleAccess>();
        var code = access.SetupCode()!;
        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}$", code);
        foreach (var guess in new[] { "admin", "password", "edge", "timer", "" })
        {
            using var guesser = new ConsoleClient(box.Http.BaseAddress!);
            Assert.NotEqual(HttpStatusCode.Redirect, (await guesser.PostFormAsync("/admin/signin", "/admin/signin", ("password", guess))).StatusCode);
        }

        using var timer = await ConsoleClient.SignInAsync(box, code.ToLowerInvariant());
        using var again = new ConsoleClient(box.Http.BaseAddress!);
        Assert.Equal(HttpStatusCode.Unauthorized, (await again.PostFormAsync("/admin/signin", "/admin/signin", ("password", code))).StatusCode);
        Assert.NotEqual(code, access.SetupCode());

        // The timer sets a password; from then on the password signs in and no setup code does.
        Assert.Contains("password is set", await timer.DoAsync("/admin/box", "/admin/box/password", ("password", "a long venue password")), StringComparison.Ordinal);
        Assert.Null(access.SetupCode());
        using var later = await ConsoleClient.SignInAsync(box, "a long venue password");
        Assert.Equal(HttpStatusCode.OK, (await later.GetAsync("/admin/timing")).StatusCode);
    }

    [Fact]
    public async Task A_revoked_device_is_signed_out_at_once_and_sessions_survive_a_restart()
    {
        var dataDir = TempDir.Create("console-sessions");
        try
        {
            ConsoleClient timer;
            ConsoleClient desk;
            await using (var box = await TestBox.StartAsync(dataDir, _meet.Setting))
            {
                timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
                desk = await timer.PairAsync(ConsoleRoles.Desk, "Desk 2");
                Assert.Equal(HttpStatusCode.OK, (await desk.GetAsync("/admin/desk")).StatusCode);
            }

            await using (var box = await TestBox.StartAsync(dataDir, _meet.Setting))
            {
                // Same cookies, new process: still signed in.
                using var timerAgain = new ConsoleClient(box.Http.BaseAddress!);
                using var deskAgain = new ConsoleClient(box.Http.BaseAddress!);
                Copy(timer, timerAgain, box);
                Copy(desk, deskAgain, box);
                Assert.Equal(HttpStatusCode.OK, (await deskAgain.GetAsync("/admin/desk")).StatusCode);
                var page = await timerAgain.PageAsync("/admin/box");
                Assert.Contains("desk (Desk 2)", page, StringComparison.Ordinal);
                var id = box.Services.GetRequiredService<ConsoleSessions>().List().First(s => s.Label == "Desk 2").Id;
                await timerAgain.DoAsync("/admin/box", "/admin/box/revoke", ("id", id));
                var after = await deskAgain.GetAsync("/admin/desk");
                Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
                Assert.StartsWith("/admin/signin", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
            }

            timer.Dispose();
            desk.Dispose();
        }
        finally
        {
            TempDir.Delete(dataDir);
        }
    }

    private static void Copy(ConsoleClient from, ConsoleClient to, TestBox box)
    {
        // The new box listens on another port: carry the cookies over as a browser would keep them for the host.
        foreach (Cookie cookie in from.Cookies.GetAllCookies())
        {
            to.Cookies.Add(box.Http.BaseAddress!, new Cookie(cookie.Name, cookie.Value, cookie.Path));
        }
    }

    [Fact]
    public async Task A_pairing_code_works_once()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        var shown = await (await timer.PostFormAsync("/admin/box", "/admin/box/pair", ("role", "announcer"), ("label", "PA"))).Content.ReadAsStringAsync();
        var path = new Uri(System.Text.RegularExpressions.Regex.Match(shown, "Or open (http://[^ <]+) on").Groups[1].Value).AbsolutePath;
        var qr = await timer.GetAsync(path.Replace("/admin/pair/", "/admin/box/pair/", StringComparison.Ordinal) + ".png");
        Assert.Equal("image/png", qr.Content.Headers.ContentType!.MediaType);
        using var phone = new ConsoleClient(box.Http.BaseAddress!);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.PostFormAsync(path, path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await phone.GetAsync("/admin/timing")).StatusCode);
        using var second = new ConsoleClient(box.Http.BaseAddress!);
        Assert.Equal(HttpStatusCode.NotFound, (await second.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task The_console_is_closed_to_clients_outside_the_allowed_networks()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting, "--Console:AllowedNetworks=127.0.0.1/32");
        using var outside = new ConsoleClient(box.Http.BaseAddress!, IPAddress.Parse("127.0.0.2"));
        Assert.Equal(HttpStatusCode.Forbidden, (await outside.GetAsync("/admin/signin")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outside.PostAsync("/admin/signin", ("password", ConsoleClient.Password))).StatusCode);
        // Spectator pages stay open to all.
        Assert.Equal(HttpStatusCode.OK, (await outside.GetAsync("/")).StatusCode);
        using var inside = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        Assert.Equal(HttpStatusCode.OK, (await inside.GetAsync("/admin/timing")).StatusCode);
    }

    [Fact]
    public async Task A_password_written_into_the_meet_folder_instead_of_its_hash_is_a_meet_folder_error()
    {
        using var meet = TestMeet.Create(TestMeet.StandardJson().Replace("\"races\":", "\"console\": { \"passwordHash\": \"hunter2hunter2\" },\n  \"races\":", StringComparison.Ordinal), TestMeet.SmallRoster);
        await using var box = await TestBox.StartAsync(null, meet.Setting);
        box.ExpectedErrors.Add("console.passwordHash");
        var status = await box.StatusAsync();
        Assert.Contains("console.passwordHash", status.GetProperty("meet").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.NotNull(box.Services.GetRequiredService<ConsoleAccess>().SetupCode());
    }

    [Fact]
    public async Task The_timer_downloads_a_backup_and_a_desk_phone_cannot()
    {
        await using var box = await TestBox.StartAsync(null, _meet.Setting);
        using var feed = await TimingFeed.ConnectAsync(box.TimingPort);
        await feed.ReadsAsync(("start", "101", "08:00:05.00"), ("finish", "101", "08:40:00.00"));
        await box.WaitForReadsAsync(2);
        using var timer = await ConsoleClient.SignInAsync(box, ConsoleClient.Password);
        using var desk = await timer.PairAsync(ConsoleRoles.Desk);
        Assert.Equal(HttpStatusCode.Forbidden, (await desk.GetAsync("/admin/box/backup")).StatusCode);
        var answer = await timer.GetAsync("/admin/box/backup");
        Assert.Equal("application/zip", answer.Content.Headers.ContentType!.MediaType);
        using var zip = new System.IO.Compression.ZipArchive(await answer.Content.ReadAsStreamAsync());
        Assert.Contains(zip.Entries, e => e.FullName == "edge.db");
        Assert.Contains(zip.Entries, e => e.FullName == "meet/meet.json");
        using var manifest = System.Text.Json.JsonDocument.Parse(zip.GetEntry("backup.json")!.Open());
        Assert.Equal(2, manifest.RootElement.GetProperty("reads").GetInt64());
    }
}
