using Edge.Appliance;
using Edge.Appliance.Console;

if (args is ["--hash-password", ..])
{
    // Writes the hash meet.json's console.passwordHash takes; the password is read from standard input, never an argument.
    var password = System.Console.In.ReadLine() ?? "";
    if (ConsoleAccess.PasswordProblem(password) is { } problem)
    {
        System.Console.Error.WriteLine(problem);
        return 2;
    }

    System.Console.WriteLine(ConsoleAccess.Hash(password));
    return 0;
}

var app = EdgeApp.Build(args);
app.Run();
return 0;
