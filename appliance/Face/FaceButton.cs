using System.Device.Gpio;
using Iot.Device.Button;

namespace Edge.Appliance.Face;

/// <summary>
/// The face's one button, wired from a GPIO pin to ground (the pin's own pull-up holds it high): a press moves to
/// the next screen, holding it <see cref="FaceOptions.HoldToPowerOff"/> powers the box off. Iot.Device.Bindings'
/// <see cref="GpioButton"/> turns the pin's edges into down and up; the hold is timed here on the box's
/// <see cref="TimeProvider"/> (the binding's own holding event runs on a timer of its own).
/// </summary>
public sealed class FaceButton : IDisposable
{
    private readonly GpioButton _button;
    private readonly TimeSpan _hold;
    private readonly TimeProvider _time;
    private readonly Action _pressed;
    private readonly Action _held;
    private readonly Lock _lock = new();
    private ITimer? _holdTimer;
    private bool _heldDown;

    public FaceButton(GpioController gpio, int pin, TimeSpan debounce, TimeSpan hold, TimeProvider time, Action pressed, Action held)
    {
        (_hold, _time, _pressed, _held) = (hold, time, pressed, held);
        // No double press, and the binding's own holding event stays off: a press is one down and its up.
        _button = new GpioButton(pin, doublePress: TimeSpan.FromSeconds(1), holding: hold, isPullUp: true, hasExternalResistor: false, gpio,
            shouldDispose: false, debounceTime: debounce);
        _button.ButtonDown += (_, _) => Down();
        _button.ButtonUp += (_, _) => Up();
    }

    private void Down()
    {
        lock (_lock)
        {
            _holdTimer?.Dispose();
            _heldDown = false;
            _holdTimer = _time.CreateTimer(_ => Held(), null, _hold, Timeout.InfiniteTimeSpan);
        }
    }

    private void Held()
    {
        lock (_lock)
        {
            if (_holdTimer is null || _heldDown)
            {
                return;
            }

            _heldDown = true;
        }

        _held();
    }

    private void Up()
    {
        bool wasHeld;
        lock (_lock)
        {
            if (_holdTimer is null)
            {
                // An up without its down (the button was held as the box started).
                return;
            }

            _holdTimer.Dispose();
            _holdTimer = null;
            wasHeld = _heldDown;
        }

        // A hold is not also a press: letting go after it does not move the screen on.
        if (!wasHeld)
        {
            _pressed();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _holdTimer?.Dispose();
            _holdTimer = null;
        }

        _button.Dispose();
    }
}
