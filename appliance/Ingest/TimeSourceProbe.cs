using System.Runtime.InteropServices;

namespace Edge.Appliance.Ingest;

/// <summary>
/// Asks the system whether its clock follows a time source. <c>timedatectl show -p NTPSynchronized</c> needs D-Bus,
/// which a service does not have, so the probe reads what timedatectl reads: systemd-timesyncd's flag file
/// <c>/run/systemd/timesync/synchronized</c>, and else the kernel's own synchronized state (adjtimex), which chrony
/// (the box image's time daemon, with GPS or NTP) keeps as timesyncd does. Replaceable in tests.
/// </summary>
public class TimeSourceProbe
{
    private const string TimesyncFlag = "/run/systemd/timesync/synchronized";

    /// <summary>adjtimex's answer when the kernel's clock is not synchronized (STA_UNSYNC).</summary>
    private const int TimeError = 5;

    /// <summary>True when synchronized, false when the system reports no time source, null when it cannot tell.</summary>
    public virtual bool? IsSynchronized()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        if (File.Exists(TimesyncFlag))
        {
            return true;
        }

        try
        {
            // struct timex is 208 bytes on 64-bit Linux; modes = 0 only reads the state.
            var timex = new byte[256];
            var state = Adjtimex(timex);
            return state < 0 ? null : state != TimeError;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which the appliance does not allow; a byte[] marshals as is.
    [DllImport("libc", EntryPoint = "adjtimex")]
    private static extern int Adjtimex(byte[] timex);
#pragma warning restore SYSLIB1054
}
