using Microsoft.Extensions.Options;

namespace Edge.Appliance.Face;

/// <summary>The box's own face: a status screen (SSD1306 OLED on I2C), a button on GPIO, the board's LED. Each part optional.</summary>
public static class FaceExtensions
{
    public static IHostApplicationBuilder AddFace(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<FaceOptions>().BindConfiguration(FaceOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<FaceOptions>, FaceOptionsValidation>();
        // Both replaceable: tests stand in fake devices and record the power-off.
        builder.Services.AddSingleton<FaceBoard>();
        builder.Services.AddSingleton<IBoxPower, SystemPower>();
        builder.Services.AddSingleton<FaceReadings>();
        builder.Services.AddSingleton<StatusScreen>();
        builder.Services.AddHostedService<FaceHost>();
        return builder;
    }
}
