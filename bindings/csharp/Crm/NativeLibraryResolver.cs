using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Crm;

/// <summary>
/// Finds the libcrm shared library, in this order: the full path in the
/// CRM_LIBRARY environment variable; runtimes/&lt;rid&gt;/native next to this
/// assembly (where a NuGet package puts it); the platform's default probing.
/// </summary>
internal static class NativeLibraryResolver
{
    /// <summary>The environment variable that names the library to load.</summary>
    internal const string EnvironmentVariable = "CRM_LIBRARY";

    /// <summary>Where the library was loaded from, for error messages.</summary>
    internal static string LoadedFrom { get; private set; } = "(not loaded yet)";

    internal static void Register(Assembly assembly) =>
        NativeLibrary.SetDllImportResolver(assembly, Resolve);

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "crm") return nint.Zero;

        string? configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            // A library the user named explicitly is never silently replaced.
            if (NativeLibrary.TryLoad(configured, out nint explicitHandle))
                return Loaded(explicitHandle, configured);
            throw new DllNotFoundException(
                $"{EnvironmentVariable} is set to '{configured}', but libcrm could not be loaded from there.");
        }

        var tried = new List<string>();
        foreach (string candidate in PackagedCandidates(assembly))
        {
            tried.Add(candidate);
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out nint packaged))
                return Loaded(packaged, candidate);
        }

        foreach (string candidate in new[] { DefaultSoname(), "crm" })
        {
            tried.Add(candidate);
            if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out nint probed))
                return Loaded(probed, candidate);
        }

        throw new DllNotFoundException(
            "libcrm could not be found. Set " + EnvironmentVariable +
            " to the full path of the library, or place it under runtimes/<rid>/native next to Crm.dll. Tried: " +
            string.Join(", ", tried));
    }

    private static nint Loaded(nint handle, string from)
    {
        LoadedFrom = from;
        return handle;
    }

    [UnconditionalSuppressMessage("SingleFile", "IL3000",
        Justification = "An empty Location (single-file apps) is skipped; AppContext.BaseDirectory is tried as well.")]
    private static IEnumerable<string> PackagedCandidates(Assembly assembly)
    {
        string fileName = PlatformFileName();
        var directories = new List<string>();
        if (!string.IsNullOrEmpty(assembly.Location))
            directories.Add(Path.GetDirectoryName(assembly.Location)!);
        directories.Add(AppContext.BaseDirectory);

        var rids = new List<string> { PortableRid() };
        if (!rids.Contains(RuntimeInformation.RuntimeIdentifier))
            rids.Add(RuntimeInformation.RuntimeIdentifier);

        var seen = new HashSet<string>();
        foreach (string directory in directories)
            foreach (string rid in rids)
            {
                string path = Path.Combine(directory, "runtimes", rid, "native", fileName);
                if (seen.Add(path)) yield return path;
            }
    }

    private static string PortableRid()
    {
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        return os + "-" + arch;
    }

    private static string PlatformFileName() =>
        OperatingSystem.IsWindows() ? "crm.dll" : OperatingSystem.IsMacOS() ? "libcrm.dylib" : "libcrm.so";

    private static string DefaultSoname() =>
        OperatingSystem.IsWindows() ? "crm.dll" : OperatingSystem.IsMacOS() ? "libcrm.0.dylib" : "libcrm.so.0";
}
