using Edge.Cloud.Landing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Edge.Cloud.Intake;

public static class IntakeSetup
{
    /// <summary>The settings, the database, and the broker connection that lands boxes' messages in it.</summary>
    public static IHostApplicationBuilder AddBoxIntake(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CloudOptions>().BindConfiguration(CloudOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<CloudOptions>, CloudOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services =>
        {
            var options = services.GetRequiredService<IOptions<CloudOptions>>().Value;
            var connection = new NpgsqlConnectionStringBuilder(options.Database);
            if (options.DatabasePasswordFile is { } file)
            {
                connection.Password = File.ReadAllText(file).TrimEnd('\r', '\n');
            }

            return new NpgsqlDataSourceBuilder(connection.ConnectionString).Build();
        });
        builder.Services.AddSingleton(services => services.GetRequiredService<IOptions<CloudOptions>>().Value);
        builder.Services.AddSingleton<LogLanding>();
        builder.Services.AddSingleton<BoxReports>();
        builder.Services.AddSingleton<IntakeCounters>();
        builder.Services.AddSingleton<DeviceLanes>();
        builder.Services.AddHostedService<BoxIntake>();
        return builder;
    }

    /// <summary>Runs <see cref="CloudOptions.Validate"/> (cross-field checks) with the data annotations at start.</summary>
    private sealed class CloudOptionsValidator : IValidateOptions<CloudOptions>
    {
        public ValidateOptionsResult Validate(string? name, CloudOptions options)
        {
            var failures = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(r => r.ErrorMessage ?? "").ToList();
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
