// A small DSP-and-control design: a 4-tap FIR filter with 16-bit multipliers, a CRC-32 over
// its output, a 32-bit LFSR and a barrel shifter, all registered.
module fir4 (input clk, input signed [15:0] x, input signed [15:0] c0, c1, c2, c3,
             output reg signed [35:0] y);
  reg signed [15:0] d0, d1, d2, d3;
  always @(posedge clk) begin
    d0 <= x; d1 <= d0; d2 <= d1; d3 <= d2;
    y <= d0 * c0 + d1 * c1 + d2 * c2 + d3 * c3;
  end
endmodule

module crc32 (input clk, input [7:0] data, output reg [31:0] crc);
  integer i;
  reg [31:0] c;
  always @(posedge clk) begin
    c = crc ^ {24'b0, data};
    for (i = 0; i < 8; i = i + 1)
      c = c[0] ? (c >> 1) ^ 32'hEDB88320 : c >> 1;
    crc <= c;
  end
endmodule

module top (input clk, input [15:0] in, input [4:0] sh, output reg [31:0] out);
  wire signed [35:0] y0, y1;
  reg [31:0] lfsr = 32'h1;
  wire [31:0] crc;
  fir4 f0 (clk, in, 16'sd3, -16'sd7, 16'sd11, 16'sd5, y0);
  fir4 f1 (clk, lfsr[15:0], 16'sd9, -16'sd2, 16'sd4, 16'sd1, y1);
  crc32 c (clk, y1[7:0] ^ y0[15:8], crc);
  always @(posedge clk) begin
    lfsr <= {lfsr[30:0], lfsr[31] ^ lfsr[21] ^ lfsr[1] ^ lfsr[0]};
    out <= ((crc ^ y1[35:4]) << sh) | ((crc ^ y1[35:4]) >> (32 - sh));
  end
endmodule
