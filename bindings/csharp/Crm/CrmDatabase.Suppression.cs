using System;

namespace Crm;

/// <summary>
/// Suppression of erased people's emails and phone numbers (crm.h, "Suppression: not taking an
/// erased person back by accident"): while a value is suppressed, a customer write that sets it
/// throws <see cref="ConstraintException"/> with rule "suppressed", naming the field. Only keyed
/// hashes are stored; values are compared normalised (an email trimmed and lower-cased, a phone
/// number's digits and a leading +).
/// </summary>
public sealed partial class CrmDatabase
{
    /// <summary>Suppresses an email and/or a phone number (at least one); suppressing one already
    /// suppressed changes nothing.</summary>
    /// <exception cref="ArgumentException">Neither is given.</exception>
    /// <exception cref="InvalidArgumentException">An email empty once trimmed (rule "email") or a
    /// phone number without a digit (rule "phone").</exception>
    public void Suppress(string? email = null, string? phone = null)
    {
        RequirePerson(email, phone);
        Errors.Check(Native.crm_suppression_add(Handle, email, phone));
    }

    /// <summary>Whether the email or the phone number given (at least one) is suppressed.</summary>
    public bool IsSuppressed(string? email = null, string? phone = null)
    {
        RequirePerson(email, phone);
        Errors.Check(Native.crm_suppression_check(out int suppressed, Handle, email, phone));
        return suppressed != 0;
    }

    /// <summary>Takes back the suppression of the email and/or phone number given (the person came
    /// back and consented).</summary>
    /// <exception cref="NotFoundException">None of them was suppressed.</exception>
    public void Unsuppress(string? email = null, string? phone = null)
    {
        RequirePerson(email, phone);
        Errors.Check(Native.crm_suppression_remove(Handle, email, phone));
    }

    /// <summary>How many emails and phone numbers are suppressed.</summary>
    public long CountSuppressed()
    {
        Errors.Check(Native.crm_suppression_count(out long count, Handle));
        return count;
    }

    private static void RequirePerson(string? email, string? phone)
    {
        if (email is null && phone is null)
            throw new ArgumentException("Give an email, a phone number or both.");
    }
}
