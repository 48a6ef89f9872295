namespace Crm.Tests;

/// <summary>Tests that change process-wide state (the working directory, Console.Out) run alone.</summary>
[CollectionDefinition(nameof(ProcessState), DisableParallelization = true)]
public sealed class ProcessState;

/// <summary>
/// The C# samples of bindings/csharp/README.md, compiled with the tests (see
/// ReadmeSamples.targets) and run here, so that the README cannot drift from
/// the binding.
/// </summary>
/// File-only: the samples open files ("customers.crm") in a new folder, as
/// the README shows a first user.
[Collection(nameof(ProcessState))]
[Trait("Backend", "File")]
public class ReadmeTests
{
    [Fact]
    public void EveryCSharpSampleOfTheReadmeRunsInANewFolder()
    {
        Assert.True(ReadmeSamples.Count >= 3, $"only {ReadmeSamples.Count} samples found in the README");
        string folder = Directory.CreateTempSubdirectory("crm-readme-").FullName;
        string workingDirectory = Environment.CurrentDirectory;
        TextWriter console = Console.Out;
        var output = new StringWriter();
        try
        {
            Environment.CurrentDirectory = folder;   // the samples open "customers.crm"
            Console.SetOut(output);
            ReadmeSamples.Run();
        }
        finally
        {
            Console.SetOut(console);
            Environment.CurrentDirectory = workingDirectory;
            Directory.Delete(folder, recursive: true);
        }
        // What the samples' comments say they print.
        Assert.Contains("field 'plan', rule 'options': 'gold' is not one of the options", output.ToString());
        Assert.Contains("syntax at byte 18", output.ToString());
        Assert.Contains("True True vip,north", output.ToString());
        Assert.Contains("phone: +4790000009 kept (merged +4790000002, before none)", output.ToString());
    }
}
