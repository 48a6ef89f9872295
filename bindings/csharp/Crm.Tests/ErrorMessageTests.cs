namespace Crm.Tests;

/// <summary>
/// An exception's Message is what a log line or a crash report shows: it must
/// name the field and the rule that libcrm reported, not only carry them as
/// properties (issue #13).
/// </summary>
public class ErrorMessageTests
{
    private static int Occurrences(string text, string part) => text.Split(part).Length - 1;

    [Fact]
    public void ValidationMessageNamesFieldAndRuleOnce()
    {
        using var db = TestWorkspace.Open();
        var e = Assert.Throws<ValidationException>(() => db.CreateCustomer(TestWorkspace.Row(("plan", "gold"))));
        Assert.StartsWith("field 'plan', rule 'options': ", e.Message);
        Assert.Contains("'gold' is not one of the options", e.Message);
        Assert.Equal(1, Occurrences(e.Message, "field 'plan'"));
        // The parts stay available on their own, and libcrm's own text too.
        Assert.Equal("plan", e.Field);
        Assert.Equal("options", e.Rule);
        Assert.Contains("'gold' is not one of the options", e.Detail);
        Assert.DoesNotContain("rule 'options'", e.Detail);
        Assert.Contains("rule 'options'", e.ToString());
    }

    [Fact]
    public void ConstraintMessageNamesFieldAndRule()
    {
        using var db = TestWorkspace.Open();
        db.CreateCustomer(TestWorkspace.Row(("email", "ann@example.com")));
        var e = Assert.Throws<ConstraintException>(() => db.CreateCustomer(TestWorkspace.Row(("email", "ann@example.com"))));
        Assert.StartsWith("field 'email', rule 'unique': ", e.Message);
    }

    [Fact]
    public void FilterErrorsNameTheRuleAndThePositionOnce()
    {
        using var db = TestWorkspace.Open();
        var syntax = Assert.Throws<InvalidArgumentException>(() => db.Count(new Query("stage = 'lead' and")));
        Assert.Equal(18, syntax.Position);
        Assert.StartsWith("rule 'syntax': ", syntax.Message);
        Assert.Equal(1, Occurrences(syntax.Message, "at byte 18"));

        // libcrm's text for an unknown field does not say where it is: the message does.
        var unknown = Assert.Throws<ValidationException>(() => db.Count(new Query("scroe = 1")));
        Assert.Equal(0, unknown.Position);
        Assert.StartsWith("field 'scroe', rule 'unknown_field', at byte 0: ", unknown.Message);
    }

    [Fact]
    public void AnErrorWithoutFieldOrRuleKeepsLibcrmsMessage()
    {
        using var db = TestWorkspace.Open();
        long id = db.CreateCustomer(TestWorkspace.Row(("name", "A")));
        var e = Assert.Throws<ConflictException>(() => db.UpdateCustomer(id, TestWorkspace.Row(("name", "B")), expectedVersion: 7));
        Assert.Equal(e.Detail, e.Message);
        Assert.Contains("not the expected 7", e.Message);
    }

    [Fact]
    public void BatchMessagesNameTheFirstRejectedRowsFieldAndRule()
    {
        using var db = TestWorkspace.Open();
        var rows = new[] { TestWorkspace.Row(("name", "ok")), TestWorkspace.Row(("plan", "gold")) };
        var e = Assert.Throws<BatchException>(() => db.InsertMany(rows));
        Assert.Contains("row 1: field 'plan', rule 'options': 'gold'", e.Message);
        Assert.Equal(1, Occurrences(e.Message, "field 'plan'"));
        BatchRowResult bad = Assert.Single(e.RejectedRows);
        Assert.Equal("row 1: field 'plan', rule 'options': 'gold' is not one of the options (basic, premium)", bad.Message);
        Assert.Equal(1, Occurrences(e.InnerException!.Message, "field 'plan'"));
    }

    /// <summary>Every exception type a status maps to formats its message the same way.</summary>
    [Theory]
    [MemberData(nameof(Statuses))]
    public void EveryStatusExceptionNamesFieldAndRule(StatusCode code)
    {
        CrmException e = Errors.Create((int)code, "field 'f': went wrong", "f", "r");
        Assert.Equal(code, e.Code);
        Assert.Equal("field 'f', rule 'r': went wrong", e.Message);
        Assert.Equal("rule 'r': went wrong", Errors.Create((int)code, "went wrong", "", "r").Message);
        Assert.Equal("field 'f': went wrong", Errors.Create((int)code, "went wrong", "f", "").Message);
        Assert.Equal("went wrong", Errors.Create((int)code, "went wrong", "", "").Message);
        var batch = new BatchException(e, []);
        Assert.Equal("field 'f', rule 'r': went wrong", batch.Message);
    }

    public static TheoryData<StatusCode> Statuses()
    {
        var data = new TheoryData<StatusCode>();
        foreach (StatusCode code in Enum.GetValues<StatusCode>())
            if (code != StatusCode.Ok) data.Add(code);
        return data;
    }
}
