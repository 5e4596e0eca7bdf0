namespace Edge.Appliance.Results;

public static class ResultsExtensions
{
    /// <summary>The results engine, fed from the log after the store has committed.</summary>
    public static IHostApplicationBuilder AddResults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ResultsService>();
        builder.Services.AddSingleton<IResultsFeed>(sp => sp.GetRequiredService<ResultsService>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ResultsService>());
        return builder;
    }
}
