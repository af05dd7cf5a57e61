import Execution

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

    /// Lowers `images` consecutive images into one column matrix (row length images × positions),
    /// the images in parallel.
    func lowerChunk(_ firstImage: UnsafePointer<Float>, images: Int, into columns: UnsafeMutablePointer<Float>) {
        nonisolated(unsafe) let (firstImage, columns) = (firstImage, columns)
        let width = images * outputPositions
        parallelFor(images) { i in
            lower(firstImage + i * imageSize, into: columns, rowStride: width, offset: i * outputPositions)
        }
    }

    /// The adjoint of `lowerChunk`, the images in parallel (each image is written by one worker).
    func raiseChunk(_ columns: UnsafePointer<Float>, images: Int, into firstImage: UnsafeMutablePointer<Float>) {
        nonisolated(unsafe) let (firstImage, columns) = (firstImage, columns)
        let width = images * outputPositions
        parallelFor(images) { i in
            raise(columns, rowStride: width, offset: i * outputPositions, into: firstImage + i * imageSize)
        }
    }

    /// How many images to lower at once so that a column matrix stays near 4 M floats (16 MB).
    func chunkSize(batch: Int) -> Int {
        max(1, min(batch, (1 << 22) / max(patchSize * outputPositions, 1)))
    }
}

/// Copies a [images, channels, positions] block of an NCHW tensor into a [channels, images · positions]
/// matrix, so that one matrix product serves a chunk of images.
func gatherChunk(_ nchw: UnsafePointer<Float>, into matrix: UnsafeMutablePointer<Float>, images: Int, channels: Int, positions: Int) {
    for image in 0..<images {
        for c in 0..<channels {
            (matrix + c * images * positions + image * positions).update(from: nchw + (image * channels + c) * positions, count: positions)
        }
    }
}

/// The inverse of `gatherChunk`: a [channels, images · positions] matrix back into NCHW order.
func scatterChunk(_ matrix: UnsafePointer<Float>, into nchw: UnsafeMutablePointer<Float>, images: Int, channels: Int, positions: Int) {
    for image in 0..<images {
        for c in 0..<channels {
            (nchw + (image * channels + c) * positions).update(from: matrix + c * images * positions + image * positions, count: positions)
        }
    }
}
