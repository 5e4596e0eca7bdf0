namespace Edge.Appliance.Store;

public static class StoreExtensions
{
    public static IHostApplicationBuilder AddStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StoreOptions>().BindConfiguration(StoreOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<ReadStore>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReadStore>());
        builder.Services.AddSingleton<BoxBackup>();
        return builder;
    }
}
