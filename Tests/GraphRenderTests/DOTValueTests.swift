import GraphRender
import Testing

@Suite("DOT values and attributes")
struct DOTValueTests {
    @Test(
        "plain strings are bare when safe and quoted and escaped otherwise",
        arguments: [
            ("box", "box"),
            ("LR", "LR"),
            ("_x1", "_x1"),
            ("2", "2"),
            ("0.25", "0.25"),
            ("", "\"\""),
            ("-1", "\"-1\""),
            ("1.2.3", "\"1.2.3\""),
            ("x y", "\"x y\""),
            ("node", "\"node\""),
            ("Subgraph", "\"Subgraph\""),
            ("say \"hi\"", #""say \"hi\"""#),
            (#"C:\temp"#, #""C:\\temp""#),
            ("ends with \\", #""ends with \\""#),
            ("two\nlines", #""two\nlines""#),
            ("windows\r\nline", #""windows\nline""#),
            ("{ a | data 2.0 }", "\"{ a | data 2.0 }\""),
            ("é", "\"é\""),
        ])
    func plainStrings(text: String, expected: String) {
        #expect(DOTValue.string(text).dotText == expected)
    }

    @Test("HTML-like labels are written unquoted between angle brackets")
    func htmlLabels() {
        let value = DOTValue.html("<b>tanh</b> \"x\"")
        #expect(value.dotText == "<<b>tanh</b> \"x\">")
    }

    @Test("escapeHTML replaces the characters HTML-like labels treat specially")
    func escapeHTML() {
        #expect(
            DOTValue.escapeHTML("a < b && c > \"d\" 'e'")
                == "a &lt; b &amp;&amp; c &gt; &quot;d&quot; &#39;e&#39;")
        #expect(DOTValue.escapeHTML("plain 1.5") == "plain 1.5")
    }

    @Test("literals make string values")
    func literals() {
        let fromString: DOTValue = "x"
        let fromInteger: DOTValue = 2
        let fromFloat: DOTValue = 0.5
        #expect(fromString == .string("x"))
        #expect(fromInteger == .string("2"))
        #expect(fromFloat == .string("0.5"))
    }

    @Test("attributes keep insertion order, replace in place and remove with nil")
    func attributeOrder() {
        var attributes: DOTAttributes = ["shape": "box", "color": "red", "label": "x"]
        #expect(attributes.keys == ["shape", "color", "label"])
        #expect(attributes.dotText == "[shape=box, color=red, label=x]")

        attributes["color"] = "blue"
        attributes["style"] = "filled"
        attributes["shape"] = nil
        #expect(attributes.keys == ["color", "label", "style"])
        #expect(attributes["color"] == .string("blue"))
        #expect(attributes["shape"] == nil)
        #expect(attributes.count == 3)

        let reversed: DOTAttributes = ["label": "x", "style": "filled", "color": "blue"]
        #expect(attributes != reversed, "order is part of equality")
    }

    @Test("a repeated key keeps its first position and its last value")
    func repeatedKeys() {
        let attributes = DOTAttributes([("a", "1"), ("b", "2"), ("a", "3")])
        #expect(attributes.keys == ["a", "b"])
        #expect(attributes["a"] == .string("3"))
    }

    @Test("merging appends new keys and lets the other side win")
    func merging() {
        let base: DOTAttributes = ["shape": "box", "color": "red"]
        let merged = base.merging(["color": "blue", "style": "dashed"])
        #expect(merged.dotText == "[shape=box, color=blue, style=dashed]")
    }

    @Test("attribute keys that are not plain words are quoted")
    func oddKeys() {
        let attributes: DOTAttributes = ["my key": "v"]
        #expect(attributes.dotText == "[\"my key\"=v]")
        #expect(DOTAttributes().dotText == "")
    }
}
