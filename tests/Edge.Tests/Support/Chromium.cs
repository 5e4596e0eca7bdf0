using Microsoft.Playwright;

namespace Edge.Tests.Support;

/// <summary>
/// Debian's Chromium driven by Playwright, launched once for all browser tests. Browsers are never downloaded:
/// the system's <c>/usr/bin/chromium</c> is used (Debian package chromium).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots are kept as test artifacts: tests/artifacts/screenshots in the repository.</summary>
    public static string ScreenshotDir { get; } = FindScreenshotDir();

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: install the Debian package chromium");
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-quic", "--no-first-run",
            ],
        });
    }

    /// <summary>A fresh phone: 360×740 CSS pixels, touch, no shared state with other tests.</summary>
    public Task<IBrowserContext> PhoneAsync(string baseUrl, bool javaScript = true) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            JavaScriptEnabled = javaScript,
            Locale = "en-US",
        });

    /// <summary>A finish-area screen: 1280×720.</summary>
    public Task<IBrowserContext> ScreenAsync(string baseUrl) =>
        Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1280, Height = 720 } });

    /// <summary>A full-HD finish-area screen: 1920×1080.</summary>
    public Task<IBrowserContext> FullHdScreenAsync(string baseUrl) =>
        Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1920, Height = 1080 } });

    /// <summary>A fresh phone of the given size in CSS pixels (390×844 is a current iPhone), touch, no shared state.</summary>
    public Task<IBrowserContext> PhoneAsync(string baseUrl, int width, int height) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl,
            ViewportSize = new ViewportSize { Width = width, Height = height },
            DeviceScaleFactor = 3,
            IsMobile = true,
            HasTouch = true,
            Locale = "en-US",
        });

    public static async Task ScreenshotAsync(IPage page, string name, bool fullPage = true) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = fullPage });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
    }

    private static string FindScreenshotDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "edge.sln")))
            {
                return Directory.CreateDirectory(Path.Combine(dir.FullName, "tests", "artifacts", "screenshots")).FullName;
            }
        }

        return Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots")).FullName;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Chromium>
{
    public const string Name = "browser";
}
