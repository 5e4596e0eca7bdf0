using System.Collections.Concurrent;
using System.Device.Gpio;

namespace Edge.Tests.Face;

/// <summary>
/// A GPIO chip for System.Device.Gpio's <see cref="GpioController"/>: records what the code opens and how, and
/// simulates a button wired to ground on a pulled-up line: <see cref="Press"/> drives the line low (a falling
/// edge), <see cref="Release"/> lets it go high again (a rising edge), each edge handed to the callbacks the code
/// registered, as the kernel's line events are.
/// </summary>
public sealed class FakeGpio : GpioDriver
{
    private readonly ConcurrentDictionary<int, (PinEventTypes Events, PinChangeEventHandler Handler)> _callbacks = new();
    private readonly ConcurrentDictionary<int, PinValue> _levels = new();

    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentDictionary<int, PinMode> Modes { get; } = new();

    public bool Disposed { get; private set; }

    protected override int PinCount => 54;

    public void Press(int pin) => Edge(pin, PinValue.Low, PinEventTypes.Falling);

    public void Release(int pin) => Edge(pin, PinValue.High, PinEventTypes.Rising);

    /// <summary>True while the code listens for edges on <paramref name="pin"/>.</summary>
    public bool Watched(int pin) => _callbacks.ContainsKey(pin);

    private void Edge(int pin, PinValue level, PinEventTypes edge)
    {
        _levels[pin] = level;
        if (_callbacks.TryGetValue(pin, out var callback) && callback.Events.HasFlag(edge))
        {
            callback.Handler(this, new PinValueChangedEventArgs(edge, pin));
        }
    }

    protected override void OpenPin(int pinNumber) => Calls.Enqueue($"open {pinNumber}");

    protected override void ClosePin(int pinNumber) => Calls.Enqueue($"close {pinNumber}");

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        Modes[pinNumber] = mode;
        Calls.Enqueue($"mode {pinNumber} {mode}");
    }

    protected override PinMode GetPinMode(int pinNumber) => Modes.GetValueOrDefault(pinNumber, PinMode.Input);

    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;

    protected override PinValue Read(int pinNumber) => _levels.GetValueOrDefault(pinNumber, PinValue.High);

    protected override void Write(int pinNumber, PinValue value) => Calls.Enqueue($"write {pinNumber} {value}");

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the face waits for no event");

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        _callbacks[pinNumber] = (eventTypes, callback);
        Calls.Enqueue($"watch {pinNumber} {eventTypes}");
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        _callbacks.TryRemove(pinNumber, out _);
        Calls.Enqueue($"unwatch {pinNumber}");
    }

    public override GpioChipInfo GetChipInfo() => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }
}
