using Microsoft.Extensions.Options;

namespace Edge.Appliance.Orienteering;

/// <summary>
/// MeOS's online results protocol (MOP, <c>POST /mop</c>): the competition id and password the timer types into
/// MeOS's "Results online" (<c>Edge</c> section, beside <c>Edge:InboxDir</c>). Unset: the endpoint answers BADCMP.
/// </summary>
public sealed class MopOptions
{
    public const string Section = "Edge";

    /// <summary>The competition id MeOS sends (its <c>competition</c> header); 0 (the default) takes no MOP push.</summary>
    public int MopCompetition { get; set; }

    /// <summary>The password MeOS sends (its <c>pwd</c> header); required when <see cref="MopCompetition"/> is set.</summary>
    public string? MopPassword { get; set; }
}

/// <summary>Checks the MOP settings at start: a competition without a password would take a push from anyone on the timer's network.</summary>
public sealed class MopOptionsValidation : IValidateOptions<MopOptions>
{
    public ValidateOptionsResult Validate(string? name, MopOptions options)
    {
        if (options.MopCompetition < 0)
        {
            return ValidateOptionsResult.Fail($"Edge:MopCompetition is {options.MopCompetition}: give MeOS's competition id (a positive number), or 0 to take no MOP push.");
        }

        if (options.MopCompetition > 0 && string.IsNullOrWhiteSpace(options.MopPassword))
        {
            return ValidateOptionsResult.Fail("Edge:MopCompetition is set but Edge:MopPassword is not: give the password typed into MeOS's \"Results online\".");
        }

        return ValidateOptionsResult.Success;
    }
}
