/*
 * CRC32C and CRC64NVME for the test bed's moto (test/setup/moto_checksums.py), which has neither:
 * moto computes both as CRC32 unless Python packages this machine cannot install are present.
 * Reflected, table-driven, all-ones initial value and final XOR, as S3 specifies them; `previous`
 * continues an earlier result (0 starts one). Compiled at server start with the system's cc.
 */
#include <stddef.h>
#include <stdint.h>

static uint32_t crc32c_table[256];
static uint64_t crc64nvme_table[256];

void s3m_init(void) {
  for (uint32_t byte = 0; byte < 256; byte++) {
    uint32_t c32 = byte;
    uint64_t c64 = byte;
    for (int bit = 0; bit < 8; bit++) {
      c32 = (c32 & 1) ? (c32 >> 1) ^ 0x82f63b78u : c32 >> 1;
      c64 = (c64 & 1) ? (c64 >> 1) ^ 0x9a6c9329ac4bc9b5ull : c64 >> 1;
    }
    crc32c_table[byte] = c32;
    crc64nvme_table[byte] = c64;
  }
}

uint32_t s3m_crc32c(const uint8_t *data, size_t length, uint32_t previous) {
  uint32_t crc = ~previous;
  for (size_t i = 0; i < length; i++) crc = crc32c_table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

uint64_t s3m_crc64nvme(const uint8_t *data, size_t length, uint64_t previous) {
  uint64_t crc = ~previous;
  for (size_t i = 0; i < length; i++) crc = crc64nvme_table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}
