using System.Net;
using Edge.Appliance.Ingest;
using Edge.Appliance.Orienteering;
using Edge.Appliance.Screens;
using Edge.Appliance.Store;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Edge.Appliance.Console;

/// <summary>
/// The timer's console under <c>/admin</c>: sign-in, roles, device pairing, and the pages that run a race day.
/// Opened only from <c>Console:AllowedNetworks</c>; every form carries an anti-forgery token.
/// </summary>
public static class ConsoleExtensions
{
    public static IHostApplicationBuilder AddConsole(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ConsoleOptions>().BindConfiguration(ConsoleOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ConsoleOptions>, ConsoleOptionsValidation>();
        builder.Services.AddSingleton<ConsoleAccess>();
        builder.Services.AddSingleton<ConsoleSessions>();
        builder.Services.AddSingleton<Corrections>();
        builder.Services.AddSingleton<MediaStore>();
        builder.Services.AddSingleton<IClockSetter, SystemClockSetter>();
        builder.Services.AddAuthentication(ConsoleAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ConsoleAuthentication>(ConsoleAuthentication.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ConsoleRoles.TimerPolicy, p => p.RequireRole(ConsoleRoles.Timer))
            .AddPolicy(ConsoleRoles.DeskPolicy, p => p.RequireRole(ConsoleRoles.Timer, ConsoleRoles.Desk))
            .AddPolicy(ConsoleRoles.ViewPolicy, p => p.RequireRole(ConsoleRoles.Timer, ConsoleRoles.Announcer))
            .AddPolicy(ConsoleRoles.SignedInPolicy, p => p.RequireRole(ConsoleRoles.All));
        // Anti-forgery tokens are sealed with keys kept in the data folder, so forms stay valid across a restart.
        var dataDir = builder.Configuration[$"{StoreOptions.Section}:{nameof(StoreOptions.DataDir)}"] ?? new StoreOptions().DataDir;
        builder.Services.AddDataProtection()
            .SetApplicationName("edge")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetFullPath(dataDir), "console", "keys")));
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "edge-form";
            options.Cookie.Path = "/admin";
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.FormFieldName = "_form";
            options.HeaderName = "X-Edge-Form";
        });
        return builder;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<ConsoleOptions>>().Value;
        var networks = options.Networks();
        app.Use((context, next) => OnlyAllowedNetworks(context, next, networks));
        app.UseAuthentication();
        app.UseAuthorization();
        app.Services.GetRequiredService<ConsoleAccess>().AnnounceSetupCode();

        var admin = app.MapGroup("/admin");
        admin.AddEndpointFilter(CheckForm);
        admin.MapSignIn();
        admin.MapGet("/", (HttpContext context) => TypedResults.Redirect(ConsoleLayout.HomeOf(context.User.Role())))
            .RequireAuthorization(ConsoleRoles.SignedInPolicy);
        admin.MapTimingPages();
        admin.MapCorrectionPages();
        admin.MapBoxPages();
        admin.MapMedia();
        app.MapMediaFiles();
        admin.MapScreenPages();
        admin.MapOrienteeringConsole();
        return app;
    }

    /// <summary>The console (and its cookies) exist only for the allowed networks; everyone else gets 403 and nothing of it.</summary>
    private static Task OnlyAllowedNetworks(HttpContext context, RequestDelegate next, IReadOnlyList<IPNetwork> networks)
    {
        if (!context.Request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase) || TimingOptions.Allows(networks, context.Connection.RemoteIpAddress))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync("The timer's console opens only from the timer's network. Results are at /.\n");
    }

    /// <summary>Every state-changing console request must carry this site's anti-forgery token: a post from another site is refused.</summary>
    private static async ValueTask<object?> CheckForm(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            try
            {
                await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
            }
            catch (AntiforgeryValidationException e) when (e.InnerException is BadHttpRequestException bad)
            {
                // Reading the form failed before any token was seen (a body over the route's limit): say that, with its own status.
                return TypedResults.Text(bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? Edge.Appliance.Web.ErrorAnswers.TooLarge : Edge.Appliance.Web.ErrorAnswers.Unreadable,
                    "text/plain; charset=utf-8", statusCode: bad.StatusCode);
            }
            catch (AntiforgeryValidationException)
            {
                return TypedResults.Text("This form is out of date or was sent from another site: reload the page and try again.\n",
                    "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            }
            catch (InvalidDataException)
            {
                return TypedResults.Text("That form could not be read.\n", "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            }
        }

        return await next(invocation);
    }
}
