using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Crm;

/// <summary>
/// The access profiles stored in a workspace (<see cref="CrmDatabase.Profiles"/>). A profile is
/// an allow-list defined in JSON (crm.h, "Access profiles and restricted handles"), e.g.
/// <c>{"name": "front_desk", "groups": {"contact": "read_write"}}</c>.
/// </summary>
public sealed class CrmProfiles
{
    private readonly CrmDatabase _db;

    internal CrmProfiles(CrmDatabase db) => _db = db;

    /// <summary>Defines or replaces the profile <paramref name="json"/> names; handles restricted
    /// to a replaced profile apply the new definition from their next call.</summary>
    /// <exception cref="ValidationException">A bad definition (rule "profile").</exception>
    /// <exception cref="CrmDeniedException">Called on a restricted handle (rule "operation").</exception>
    public void Define(string json) =>
        Errors.Check(Native.crm_profile_define(_db.Handle, Text(json, nameof(json))));

    /// <summary>The stored definition of profile <paramref name="name"/>, as JSON.</summary>
    /// <exception cref="NotFoundException">No such profile (rule "profile").</exception>
    public string Get(string name)
    {
        Errors.Check(Native.crm_profile_get(out StringHandle json, _db.Handle, Text(name, nameof(name))));
        using (json) return json.Text();
    }

    /// <summary>The names of every profile, sorted.</summary>
    public IReadOnlyList<string> List()
    {
        Errors.Check(Native.crm_profile_list(out StringHandle json, _db.Handle));
        using (json)
        using (JsonDocument names = JsonDocument.Parse(json.Text()))
        {
            var list = new List<string>();
            foreach (JsonElement name in names.RootElement.EnumerateArray()) list.Add(name.GetString()!);
            return list;
        }
    }

    /// <summary>Drops profile <paramref name="name"/>; calls on handles restricted to it then throw
    /// <see cref="CrmDeniedException"/>, rule "profile".</summary>
    /// <exception cref="NotFoundException">No such profile.</exception>
    public void Drop(string name) =>
        Errors.Check(Native.crm_profile_drop(_db.Handle, Text(name, nameof(name))));

    private static string Text(string? value, string parameter) =>
        CrmValue.CheckText(value ?? throw new ArgumentNullException(parameter), parameter);
}
