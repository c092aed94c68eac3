-- CreateTable
CREATE TABLE "MdxCache" (
    "hash" TEXT NOT NULL,
    "tree" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MdxCache_pkey" PRIMARY KEY ("hash")
);

