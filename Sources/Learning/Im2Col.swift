/// The geometry of a 2D convolution over one image of `channels` × `height` × `width`, and the
/// lowering of its patches to columns so that the convolution is one matrix product.
///
/// Column `position` of image `i` in a chunk holds the `channels × kernel × kernel` input values
/// under the kernel at output position `position` (zero where the kernel hangs over the padding);
/// rows are (channel, ky, kx) in C order, matching a weight of shape [out, channels, k, k].
struct ConvolutionGeometry: Equatable {
    let channels: Int
    let height: Int
    let width: Int
    let kernel: Int
    let stride: Int
    let padding: Int

    var outputHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    var outputWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    var outputPositions: Int { outputHeight * outputWidth }
    /// Rows of the column matrix: channels × kernel².
    var patchSize: Int { channels * kernel * kernel }
    var imageSize: Int { channels * height * width }

    /// Writes the columns of `image` into `columns` (row length `rowStride`, starting at column `offset`).
    func lower(_ image: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>, rowStride: Int, offset: Int) {
        let outH = outputHeight, outW = outputWidth
        for c in 0..<channels {
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let row = columns + ((c * kernel + ky) * kernel + kx) * rowStride + offset
                    for oy in 0..<outH {
                        let y = oy * stride - padding + ky
                        let target = row + oy * outW
                        guard y >= 0 && y < height else {
                            target.update(repeating: 0, count: outW)
                            continue
                        }
                        let source = image + (c * height + y) * width
                        for ox in 0..<outW {
                            let x = ox * stride - padding + kx
                            target[ox] = x >= 0 && x < width ? source[x] : 0
                        }
                    }
                }
            }
        }
    }

    /// The adjoint of `lower`: adds every column entry back onto the image position it came from.
    func raise(_ columns: UnsafePointer<Float>, rowStride: Int, offset: Int, into image: UnsafeMutablePointer<Float>) {
        let outH = outputHeight, outW = outputWidth
        for c in 0..<channels {
            for ky in 0..<kernel {
                for kx in 0..<kernel {
                    let row = columns + ((c * kernel + ky) * kernel + kx) * rowStride + offset
                    for oy in 0..<outH {
                        let y = oy * stride - padding + ky
                        guard y >= 0 && y < height else { continue }
                        let target = image + (c * height + y) * width
                        let source = row + oy * outW
                        for ox in 0..<outW {
                            let x = ox * stride - padding + kx
                            if x >= 0 && x < width { target[x] += source[ox] }
                        }
                    }
                }
            }
        }
    }

    /// How many images to lower at once so that a column matrix stays near 4 M floats (16 MB).
    func chunkSize(batch: Int) -> Int {
        max(1, min(batch, (1 << 22) / max(patchSize * outputPositions, 1)))
    }
}

/// Copies a [chunk, channels, positions] block of an NCHW tensor into a [channels, chunk · positions]
/// matrix (or back, with `reverse`), so that one matrix product serves a chunk of images.
func transposeChunk(_ nchw: UnsafeMutablePointer<Float>, _ matrix: UnsafeMutablePointer<Float>,
                    images: Int, channels: Int, positions: Int, reverse: Bool) {
    for image in 0..<images {
        for c in 0..<channels {
            let tensorRow = nchw + (image * channels + c) * positions
            let matrixRow = matrix + c * images * positions + image * positions
            if reverse {
                tensorRow.update(from: matrixRow, count: positions)
            } else {
                matrixRow.update(from: tensorRow, count: positions)
            }
        }
    }
}
