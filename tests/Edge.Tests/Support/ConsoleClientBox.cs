using Edge.Appliance.Console;
using Microsoft.Extensions.DependencyInjection;

namespace Edge.Tests.Support;

public sealed partial class ConsoleClient
{
    /// <summary>A client of an in-process box signed in as the timer with <paramref name="password"/> (the box's setup code when none is given).</summary>
    public static Task<ConsoleClient> SignInAsync(TestBox box, string? password = null) =>
        SignInAsync(box.Http.BaseAddress!, password ?? box.Services.GetRequiredService<ConsoleAccess>().SetupCode() ?? Password);
}
