using System.Reflection;
using System.Runtime.InteropServices;

namespace Crm.Tests;

/// <summary>
/// The declarations generated from crm/crm.h (Native.g.cs, Constants.g.cs)
/// against the library the tests load: every import binds, the option
/// structs' defaults and layout are libcrm's, and the public enums hold
/// every constant of their crm.h group.
/// </summary>
public class NativeTests
{
    private static IEnumerable<(MethodInfo Method, string EntryPoint)> Imports() =>
        typeof(Native).GetMethods(BindingFlags.NonPublic | BindingFlags.Static)
            .Select(m => (Method: m, Import: m.GetCustomAttribute<LibraryImportAttribute>()))
            .Where(x => x.Import is not null)
            .Select(x => (x.Method, x.Import!.EntryPoint ?? x.Method.Name));

    [Fact]
    public void EveryGeneratedImportBindsToAnExportOfTheLoadedLibrary()
    {
        string path = Environment.GetEnvironmentVariable("CRM_LIBRARY")
            ?? throw new InvalidOperationException("CRM_LIBRARY must name the libcrm build under test");
        var imports = Imports().ToList();
        // Not vacuous: the generated table holds all of crm.h.
        Assert.Contains(imports, i => i.EntryPoint == "crm_open");
        Assert.Contains(imports, i => i.EntryPoint == "crm_rows_encode");
        Assert.True(imports.Count >= 130, $"only {imports.Count} imports found");

        // Never freed: unloading libcrm in a process would leave its protobuf
        // descriptors registered in the shared libprotobuf, and the next load
        // (the binding's own, if this test runs first) would abort on them.
        nint library = NativeLibrary.Load(path);
        var missing = imports.Where(i => !NativeLibrary.TryGetExport(library, i.EntryPoint, out _))
            .Select(i => i.EntryPoint).ToList();
        Assert.True(missing.Count == 0, $"{path} does not export: {string.Join(", ", missing)}");
    }

    [Fact]
    public unsafe void OpenOptionDefaultsAreTheOnesLibcrmFillsIn()
    {
        Native.OpenOptions filled = default;
        // libcrm refuses a size no release had: this also checks the layout's size.
        Assert.Equal(0, Native.crm_open_options_init(&filled, (nuint)sizeof(Native.OpenOptions)));
        AssertSameMembers(Native.OpenOptions.Init(), filled);

        var options = new OpenOptions();   // the public defaults come from the same initializer
        Assert.True(options.Create);
        Assert.False(options.ReadOnly);
        Assert.Equal(TimeSpan.FromMilliseconds(filled.BusyTimeoutMs), options.BusyTimeout);
        Assert.Equal(filled.Sync, (int)options.Sync);
    }

    [Fact]
    public unsafe void TimelineOptionDefaultsAreTheOnesLibcrmFillsIn()
    {
        Native.TimelineOptions filled = default;
        Assert.Equal(0, Native.crm_timeline_options_init(&filled, (nuint)sizeof(Native.TimelineOptions)));
        AssertSameMembers(Native.TimelineOptions.Init(), filled);
        Assert.Equal((int)filled.PageSize, new TimelineOptions().PageSize);
    }

    /// <summary>Every member of the generated struct, so that a member crm.h adds is compared too.</summary>
    private static unsafe void AssertSameMembers<T>(T generated, T library) where T : struct
    {
        System.Reflection.FieldInfo[] members = typeof(T).GetFields(BindingFlags.Public | BindingFlags.Instance);
        Assert.NotEmpty(members);
        foreach (System.Reflection.FieldInfo member in members)
        {
            object? mine = member.GetValue(generated), theirs = member.GetValue(library);
            if (member.FieldType.IsPointer)
            {
                mine = (nint)Pointer.Unbox(mine!);
                theirs = (nint)Pointer.Unbox(theirs!);
            }
            Assert.True(Equals(mine, theirs), $"{typeof(T).Name}.{member.Name}: Init() gives {mine}, libcrm {theirs}");
        }
    }

    [Fact]
    public unsafe void AnOptionsSizeNoReleaseHadIsRefused()
    {
        Native.OpenOptions filled = default;
        int status = Native.crm_open_options_init(&filled, (nuint)sizeof(Native.OpenOptions) + 4);
        Assert.Equal((int)StatusCode.InvalidArgument, status);
    }

    [Theory]
    [InlineData(typeof(SyncMode), "CRM_SYNC_")]
    [InlineData(typeof(QueryTarget), "CRM_QUERY_")]
    [InlineData(typeof(Bucket), "CRM_BUCKET_")]
    [InlineData(typeof(AggregateFunction), "CRM_AGG_")]
    [InlineData(typeof(ValueKind), "CRM_VALUE_")]
    public void AnEnumHoldsEveryConstantOfItsCrmHGroup(Type type, string prefix)
    {
        var constants = typeof(Native).GetFields(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(f => (Name: Pascal(f.Name[prefix.Length..]), Value: (int)f.GetRawConstantValue()!))
            .OrderBy(c => c.Value).ToList();
        var members = Enum.GetValues(type).Cast<object>()
            .Select(v => (Name: Enum.GetName(type, v)!, Value: Convert.ToInt32(v)))
            .OrderBy(m => m.Value).ToList();
        Assert.NotEmpty(constants);
        Assert.Equal(constants, members);
    }

    [Fact]
    public void StatusCodesAreTheLibrarysAndCrmHs()
    {
        var codes = Enum.GetValues<StatusCode>();
        var constants = typeof(Native).GetFields(BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.IsLiteral && (f.Name == "CRM_OK" || f.Name.StartsWith("CRM_E_", StringComparison.Ordinal)))
            .ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);
        Assert.Equal(constants.Count, codes.Length);
        foreach (StatusCode code in codes)
        {
            string name = Errors.StatusName((int)code);   // libcrm's own name, e.g. "CRM_E_NOT_FOUND"
            Assert.True(constants.TryGetValue(name, out int value), $"{code} is {name} in the library, not in crm.h");
            Assert.Equal((int)code, value);
        }
    }

    private static string Pascal(string snake) =>
        string.Concat(snake.Split('_').Select(p => p[..1] + p[1..].ToLowerInvariant()));
}
