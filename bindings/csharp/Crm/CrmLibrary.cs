using System;

namespace Crm;

/// <summary>Facts about the libcrm library loaded into the process.</summary>
public static class CrmLibrary
{
    /// <summary>The libcrm major version this binding was written for (CRM_VERSION_MAJOR of the crm.h it was generated from).</summary>
    public const int SupportedMajor = Native.CRM_VERSION_MAJOR;

    /// <summary>The oldest libcrm (major*10000 + minor*100 + patch) that has every function this binding calls.</summary>
    public const int MinimumVersionNumber = 100;

    private static readonly Lazy<int> Checked = new(CheckVersion);

    /// <summary>The version of the loaded library, e.g. "0.1.0".</summary>
    public static string Version
    {
        get { EnsureCompatible(); return Native.Text(Native.crm_version()); }
    }

    /// <summary>The loaded library's version as major*10000 + minor*100 + patch.</summary>
    public static int VersionNumber => EnsureCompatible();

    /// <summary>The workspace schema version the loaded library writes.</summary>
    public static int SchemaVersion
    {
        get { EnsureCompatible(); return Native.crm_schema_version(); }
    }

    /// <summary>
    /// Loads libcrm and checks its version once; throws on every call when the
    /// library cannot be loaded or is not compatible.
    /// </summary>
    /// <exception cref="DllNotFoundException">libcrm could not be found.</exception>
    /// <exception cref="NotSupportedException">The loaded libcrm has another major version.</exception>
    internal static int EnsureCompatible() => Checked.Value;

    private static int CheckVersion()
    {
        int number = Native.crm_version_number();
        if (number / 10000 != SupportedMajor || number < MinimumVersionNumber)
        {
            throw new NotSupportedException(
                $"libcrm {Native.Text(Native.crm_version())} was loaded from {NativeLibraryResolver.LoadedFrom}, " +
                $"but this binding needs libcrm {SupportedMajor}.x, at least " +
                $"{MinimumVersionNumber / 10000}.{MinimumVersionNumber / 100 % 100}.{MinimumVersionNumber % 100}.");
        }
        return number;
    }
}
