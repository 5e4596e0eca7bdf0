using Edge.Appliance.Face;
using Edge.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Edge.Tests.Face;

public sealed class FaceOptionsTests
{
    [Theory]
    [InlineData("--Face:Enabled=yes", "Face:Enabled")]
    [InlineData("--Face:ScreenAddress=200", "Face:ScreenAddress")]
    [InlineData("--Face:ButtonPin=-2", "Face:ButtonPin")]
    [InlineData("--Face:HoldToPowerOff=00:00:00", "Face:HoldToPowerOff")]
    [InlineData("--Face:RefreshInterval=00:00:00", "Face:RefreshInterval")]
    [InlineData("--Face:PowerOffCommand=", "Face:PowerOffCommand")]
    public async Task A_bad_setting_stops_the_box_at_start_naming_it(string setting, string named)
    {
        var e = await Assert.ThrowsAsync<OptionsValidationException>(async () => await TestBox.StartAsync(null, setting));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_in_appsettings_json_are_the_options_class_defaults()
    {
        var file = Path.Combine(Repo.Root, "appliance", "appsettings.json");
        var shipped = new ConfigurationBuilder().AddJsonFile(file).Build().GetSection(FaceOptions.Section).Get<FaceOptions>()!;
        var defaults = new FaceOptions();
        foreach (var property in typeof(FaceOptions).GetProperties())
        {
            Assert.True(Equals(property.GetValue(defaults), property.GetValue(shipped)), $"Face:{property.Name}: {property.GetValue(shipped)} in appsettings.json, {property.GetValue(defaults)} in FaceOptions");
        }

        Assert.True(new FaceOptionsValidation().Validate(null, shipped).Succeeded);
    }
}
