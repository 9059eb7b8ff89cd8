; ModuleID = 'rulec'
source_filename = "rulec"

@rulec_shape = constant [3 x i32] [i32 1, i32 183, i32 0]

; Function Attrs: noinline
define internal void @rules_0(ptr %0, ptr %1) #0 {
entry:
  %2 = getelementptr inbounds i8, ptr %0, i64 0
  %atoms = load ptr, ptr %2, align 8
  %3 = getelementptr inbounds i8, ptr %0, i64 8
  %memo = load ptr, ptr %3, align 8
  %4 = getelementptr inbounds i8, ptr %0, i64 16
  %lazy = load ptr, ptr %4, align 8
  %5 = getelementptr inbounds i64, ptr %atoms, i64 0
  %6 = load i64, ptr %5, align 4
  %7 = and i64 %6, 0
  %8 = and i64 %6, 15
  %9 = xor i64 %8, 15
  %10 = or i64 %9, %7
  %11 = or i64 0, %10
  %12 = getelementptr inbounds i64, ptr %atoms, i64 1
  %13 = load i64, ptr %12, align 4
  %14 = and i64 %13, -16384
  %15 = and i64 %13, 12288
  %16 = xor i64 %15, 12288
  %17 = or i64 %16, %14
  %18 = or i64 %11, %17
  %19 = getelementptr inbounds i64, ptr %atoms, i64 2
  %20 = load i64, ptr %19, align 4
  %21 = and i64 %20, 105553116790783
  %22 = and i64 %20, 0
  %23 = xor i64 %22, 0
  %24 = or i64 %23, %21
  %25 = or i64 %18, %24
  %26 = icmp eq i64 %25, 0
  br i1 %26, label %and.next, label %and.end

and.end:                                          ; preds = %or.end3, %or.end, %and.next, %entry
  %27 = phi i1 [ false, %entry ], [ false, %and.next ], [ false, %or.end ], [ %63, %or.end3 ]
  %28 = zext i1 %27 to i64
  %29 = shl i64 %28, 0
  %30 = or i64 0, %29
  %31 = getelementptr inbounds i64, ptr %1, i64 0
  %32 = load i64, ptr %31, align 4
  %33 = or i64 %32, %30
  store i64 %33, ptr %31, align 4
  ret void

and.next:                                         ; preds = %entry
  %34 = call i32 %lazy(ptr %0, i32 147)
  %35 = call i32 %lazy(ptr %0, i32 159)
  %36 = call i32 %lazy(ptr %0, i32 176)
  %37 = call i32 %lazy(ptr %0, i32 180)
  %38 = call i32 %lazy(ptr %0, i32 182)
  %39 = getelementptr inbounds i64, ptr %atoms, i64 2
  %40 = load i64, ptr %39, align 4
  %41 = and i64 %40, 35782506413817856
  %42 = and i64 %40, 0
  %43 = xor i64 %42, 0
  %44 = or i64 %43, %41
  %45 = or i64 0, %44
  %46 = icmp eq i64 %45, 0
  br i1 %46, label %and.next1, label %and.end

and.next1:                                        ; preds = %and.next
  %47 = getelementptr inbounds i64, ptr %atoms, i64 0
  %48 = load i64, ptr %47, align 4
  %49 = and i64 %48, 35184372088832
  %50 = icmp ne i64 %49, 0
  %51 = xor i1 %50, true
  br i1 %51, label %or.end, label %or.next

or.end:                                           ; preds = %or.next, %and.next1
  %52 = phi i1 [ true, %and.next1 ], [ %54, %or.next ]
  br i1 %52, label %and.next2, label %and.end

or.next:                                          ; preds = %and.next1
  %53 = call i32 %lazy(ptr %0, i32 175)
  %54 = icmp ne i32 %53, 0
  br label %or.end

and.next2:                                        ; preds = %or.end
  %55 = getelementptr inbounds i64, ptr %atoms, i64 0
  %56 = load i64, ptr %55, align 4
  %57 = xor i64 %56, -1
  %58 = and i64 %57, 0
  %59 = and i64 %56, 33554416
  %60 = or i64 %59, %58
  %61 = or i64 0, %60
  %62 = icmp ne i64 %61, 0
  br i1 %62, label %or.end3, label %or.next4

or.end3:                                          ; preds = %or.next16, %and.end14, %and.end11, %and.end6, %or.next4, %and.next2
  %63 = phi i1 [ true, %and.next2 ], [ true, %or.next4 ], [ true, %and.end6 ], [ true, %and.end11 ], [ true, %and.end14 ], [ %136, %or.next16 ]
  br label %and.end

or.next4:                                         ; preds = %and.next2
  %64 = call i32 %lazy(ptr %0, i32 25)
  %65 = getelementptr inbounds i64, ptr %atoms, i64 0
  %66 = load i64, ptr %65, align 4
  %67 = xor i64 %66, -1
  %68 = and i64 %67, 0
  %69 = and i64 %66, 1040187392
  %70 = or i64 %69, %68
  %71 = or i64 0, %70
  %72 = icmp ne i64 %71, 0
  br i1 %72, label %or.end3, label %or.next5

or.next5:                                         ; preds = %or.next4
  %73 = getelementptr inbounds i64, ptr %atoms, i64 0
  %74 = load i64, ptr %73, align 4
  %75 = and i64 %74, 35184372088832
  %76 = icmp ne i64 %75, 0
  br i1 %76, label %and.next7, label %and.end6

and.end6:                                         ; preds = %or.end8, %or.next5
  %77 = phi i1 [ false, %or.next5 ], [ %86, %or.end8 ]
  br i1 %77, label %or.end3, label %or.next10

and.next7:                                        ; preds = %or.next5
  %78 = getelementptr inbounds i64, ptr %atoms, i64 0
  %79 = load i64, ptr %78, align 4
  %80 = xor i64 %79, -1
  %81 = and i64 %80, 0
  %82 = and i64 %79, 9223301668110598144
  %83 = or i64 %82, %81
  %84 = or i64 0, %83
  %85 = icmp ne i64 %84, 0
  br i1 %85, label %or.end8, label %or.next9

or.end8:                                          ; preds = %or.next9, %and.next7
  %86 = phi i1 [ true, %and.next7 ], [ %102, %or.next9 ]
  br label %and.end6

or.next9:                                         ; preds = %and.next7
  %87 = call i32 %lazy(ptr %0, i32 63)
  %88 = getelementptr inbounds i64, ptr %atoms, i64 0
  %89 = load i64, ptr %88, align 4
  %90 = xor i64 %89, -1
  %91 = and i64 %90, 0
  %92 = and i64 %89, -9223372036854775808
  %93 = or i64 %92, %91
  %94 = or i64 0, %93
  %95 = getelementptr inbounds i64, ptr %atoms, i64 1
  %96 = load i64, ptr %95, align 4
  %97 = xor i64 %96, -1
  %98 = and i64 %97, 0
  %99 = and i64 %96, 4095
  %100 = or i64 %99, %98
  %101 = or i64 %94, %100
  %102 = icmp ne i64 %101, 0
  br label %or.end8

or.next10:                                        ; preds = %and.end6
  %103 = call i32 %lazy(ptr %0, i32 34)
  %104 = icmp ne i32 %103, 0
  br i1 %104, label %and.next12, label %and.end11

and.end11:                                        ; preds = %and.next12, %or.next10
  %105 = phi i1 [ false, %or.next10 ], [ %114, %and.next12 ]
  br i1 %105, label %or.end3, label %or.next13

and.next12:                                       ; preds = %or.next10
  %106 = call i32 %lazy(ptr %0, i32 35)
  %107 = getelementptr inbounds i64, ptr %atoms, i64 0
  %108 = load i64, ptr %107, align 4
  %109 = xor i64 %108, -1
  %110 = and i64 %109, 0
  %111 = and i64 %108, 8761733283840
  %112 = or i64 %111, %110
  %113 = or i64 0, %112
  %114 = icmp ne i64 %113, 0
  br label %and.end11

or.next13:                                        ; preds = %and.end11
  %115 = call i32 %lazy(ptr %0, i32 30)
  %116 = icmp ne i32 %115, 0
  br i1 %116, label %and.next15, label %and.end14

and.end14:                                        ; preds = %and.next15, %or.next13
  %117 = phi i1 [ false, %or.next13 ], [ %126, %and.next15 ]
  br i1 %117, label %or.end3, label %or.next16

and.next15:                                       ; preds = %or.next13
  %118 = call i32 %lazy(ptr %0, i32 31)
  %119 = getelementptr inbounds i64, ptr %atoms, i64 0
  %120 = load i64, ptr %119, align 4
  %121 = xor i64 %120, -1
  %122 = and i64 %121, 0
  %123 = and i64 %120, 15032385536
  %124 = or i64 %123, %122
  %125 = or i64 0, %124
  %126 = icmp ne i64 %125, 0
  br label %and.end14

or.next16:                                        ; preds = %and.end14
  %127 = call i32 %lazy(ptr %0, i32 43)
  %128 = call i32 %lazy(ptr %0, i32 44)
  %129 = getelementptr inbounds i64, ptr %atoms, i64 0
  %130 = load i64, ptr %129, align 4
  %131 = and i64 %130, 0
  %132 = and i64 %130, 26388279066624
  %133 = xor i64 %132, 26388279066624
  %134 = or i64 %133, %131
  %135 = or i64 0, %134
  %136 = icmp eq i64 %135, 0
  br label %or.end3
}

define void @rulec_eval(ptr %0, ptr %1) {
entry:
  call void @rules_0(ptr %0, ptr %1)
  ret void
}

attributes #0 = { noinline }
