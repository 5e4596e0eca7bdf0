using Edge.Appliance.Ingest;

namespace Edge.Tests.Support;

/// <summary>A time-source probe that answers what the test says (the machine's own answer varies between hosts).</summary>
public sealed class FixedTimeSource(bool? synchronized) : TimeSourceProbe
{
    public override bool? IsSynchronized() => synchronized;
}
