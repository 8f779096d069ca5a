import Plots
import Testing

@Suite("ImageGrid")
struct ImageGridTests {
    /// Three 4 x 5 images: a ramp, a constant, and an RGB one.
    private func threeImages() -> [GridImage] {
        [
            GridImage(pixels: (0..<20).map(Float.init), shape: [4, 5], caption: "ramp"),
            GridImage(
                pixels: [Float](repeating: 0.5, count: 20), shape: [1, 4, 5], range: 0...1,
                caption: "flat"),
            GridImage(
                pixels: (0..<60).map { Float($0 % 7) }, shape: [3, 4, 5], caption: "wrong\nguess",
                captionColor: .red),
        ]
    }

    @Test("three captioned images render; the size follows the layout")
    func rendersCaptions() throws {
        let grid = ImageGrid(title: "samples", images: threeImages(), scale: 7)
        let document = parseSVG(try grid.svgData())
        expectDrawn(["samples", "ramp", "flat", "wrong", "guess"], in: document)

        let size = PlotsTests.pngSize(try grid.pngData())
        #expect(size?.width == grid.width)
        #expect(size?.height == grid.height)
        // Three 35-pixel images side by side, with gaps and margins.
        #expect(grid.width >= 3 * 35 + 2 * 10)
    }

    @Test("columns wrap images into rows")
    func rows() {
        let oneRow = ImageGrid(images: threeImages(), scale: 2)
        let oneColumn = ImageGrid(images: threeImages(), columns: 1, scale: 2)
        #expect(oneColumn.height > 2 * oneRow.height)
        #expect(oneColumn.width < oneRow.width)
    }
}
