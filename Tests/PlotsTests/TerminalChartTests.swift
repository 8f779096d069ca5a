import Plots
import Testing

@Suite("TerminalChart")
struct TerminalChartTests {
    @Test(
        "lines: the plot block has the requested size, max at the top",
        arguments: [(40, 6), (60, 12)])
    func linesDimensions(width: Int, height: Int) throws {
        let rising = (0..<30).map { Double($0) }
        let text = TerminalChart.lines(
            series: [("rising", rising), ("flat", [10, 10])], width: width, height: height)
        let rows = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        try #require(rows.count == height + 1)
        for row in rows.prefix(height) {
            #expect(row.count == width, "row '\(row)' is \(row.count) characters")
        }
        // The rising series ends at the top right: top label is the max, top dots in row 0.
        #expect(rows[0].hasPrefix("29"))
        let lastCell = try #require(rows[0].unicodeScalars.last)
        #expect((0x2800...0x28FF).contains(lastCell.value))
        #expect((lastCell.value - 0x2800) & 0x09 != 0, "the last cell has no dot in its top row")
        #expect(rows[height - 1].trimmingPrefix(while: \.isWhitespace).hasPrefix("0"))
        #expect(rows[height].contains("rising") && rows[height].contains("flat"))
    }

    @Test("sparkline: one character per value, lowest to highest")
    func sparkline() {
        #expect(TerminalChart.sparkline([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█")
        #expect(TerminalChart.sparkline([3, .nan, 3]) == "▄ ▄")
        #expect(TerminalChart.sparkline((0..<100).map(Double.init), width: 10).count == 10)
    }

    @Test("bars: every line is the requested width, the longest bar is the largest value")
    func bars() {
        let text = TerminalChart.bars(
            labels: ["conv1", "layer1.0", "fc"], values: [1, 4, 2], width: 40)
        let rows = text.split(separator: "\n").map(String.init)
        #expect(rows.count == 3)
        for row in rows {
            #expect(row.count == 40, "row '\(row)' is \(row.count) characters")
        }
        let lengths = rows.map { $0.filter { $0 == "█" }.count }
        #expect(lengths[1] > lengths[2] && lengths[2] > lengths[0])
    }
}
