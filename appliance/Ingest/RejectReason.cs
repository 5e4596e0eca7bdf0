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
    /// <summary>A time that parses but lies outside 2000-01-01 to 2100-01-01 (a garbled or unset controller clock).</summary>
    TimeOutOfRange,
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
    /// <summary>A connection from outside <c>Timing:AllowedNetworks</c>.</summary>
    NetworkNotAllowed,
}
