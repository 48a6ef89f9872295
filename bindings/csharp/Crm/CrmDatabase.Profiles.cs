using System;

namespace Crm;

/// <summary>
/// Access profiles and restricted handles (crm.h, "Access profiles and restricted handles"):
/// <see cref="Profiles"/> manages the workspace's profiles, <see cref="Restrict"/> hands out a
/// CrmDatabase that sees and changes only what one profile grants.
/// </summary>
public sealed partial class CrmDatabase
{
    /// <summary>The workspace's access profiles: Define, Get, List, Drop. Unrestricted handles
    /// only: on a restricted one every call throws <see cref="CrmDeniedException"/>, rule
    /// "operation".</summary>
    public CrmProfiles Profiles => new(this);

    /// <summary>The profile this handle is restricted to; "" for an unrestricted handle.</summary>
    public string Profile => Native.Text(Native.crm_db_profile(Handle));

    /// <summary>
    /// A new handle on the same workspace that sees and changes only what
    /// <paramref name="profile"/> grants, acting as <paramref name="actor"/> (bound to
    /// <c>:actor</c> in the profile's scope and recorded on what it writes; null is "api").
    /// The view has its own native handle: disposing it closes only the view, and it stays
    /// usable after this CrmDatabase is disposed (the workspace stays open until its last
    /// handle is closed).
    /// </summary>
    /// <exception cref="NotFoundException">No such profile (rule "profile").</exception>
    /// <exception cref="CrmDeniedException">This handle is itself restricted (rule "operation").</exception>
    public CrmDatabase Restrict(string profile, string? actor = null)
    {
        string name = Arg(profile, nameof(profile));
        int status = Native.crm_db_restrict(out DbHandle view, Handle, name, Actor(actor));
        if (status != 0)
        {
            CrmException error = Errors.FromLastError(status);
            view.Dispose();
            throw error;
        }
        return new CrmDatabase(view, Path);
    }
}
