namespace Edge.Appliance.Ingest;

/// <summary>Why a line or a connection was refused. Counted per reason on <c>/api/status</c>.</summary>
public enum RejectReason
{
    None = 0,
    LineTooLong,
    InvalidUtf8,
    ControlCharacter,
    UnknownFormat,
    WrongFieldCount,
    BadSequence,
    BadLocation,
    BadTag,
    BadTime,
    BadLap,
    BadReader,
    BadGator,
    UnknownLine,
    BadGreeting,
    NoGreeting,
    AuthenticationFailed,
    PingTimeout,
    TooManyConnections,
    SlowReader,
    TooManyLocations,
}
